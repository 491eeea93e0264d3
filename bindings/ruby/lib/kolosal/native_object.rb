# frozen_string_literal: true

module Kolosal
  # What Dataset, Trainer and Model share: one Kolosal::Native::Handle. The handle frees its C
  # object once, on #close or when garbage-collected; a closed one raises
  # FailedPreconditionError; a close while calls run (without the GVL) in other threads takes
  # effect when the last of them returns.
  module NativeObject
    # @api private: the Kolosal::Native::Handle.
    attr_reader :handle

    # Frees the native object. Safe to call twice.
    def close
      Native.kolosal_ruby_close(@handle)
      nil
    end

    def closed?
      Native.kolosal_ruby_closed(@handle)
    end
  end

  # Yields object and closes it afterwards when a block is given; returns it otherwise.
  def self.yield_and_close(object)
    return object unless block_given?

    begin
      yield object
    ensure
      object.close
    end
  end
end
