# frozen_string_literal: true

module Kolosal
  # Owns one native handle. Calls hold it (#use) while the native side uses it, so #close waits
  # for them and never frees a handle in use (calls may run without the GVL). A finalizer frees
  # a handle that was never closed.
  class Handle
    def initialize(pointer, free_function, kind)
      @pointer = pointer
      @free_function = free_function
      @kind = kind
      @lock = Mutex.new
      @idle = ConditionVariable.new
      @users = 0
      ObjectSpace.define_finalizer(self, Handle.releaser(pointer, free_function))
    end

    # A finalizer that does not reference the handle (which would keep it alive forever).
    def self.releaser(pointer, free_function)
      proc { Native.send(free_function, pointer) }
    end

    # Yields the native pointer; raises FailedPreconditionError once closed.
    def use
      @lock.synchronize do
        raise FailedPreconditionError, "#{@kind} is closed" unless @pointer

        @users += 1
      end
      begin
        yield @pointer
      ensure
        @lock.synchronize do
          @users -= 1
          @idle.broadcast if @users.zero?
        end
      end
    end

    # Frees the handle once (later calls do nothing), after the calls using it have returned.
    def close
      pointer = @lock.synchronize do
        @idle.wait(@lock) while @users.positive?
        taken = @pointer
        @pointer = nil
        taken
      end
      return unless pointer

      ObjectSpace.undefine_finalizer(self)
      Native.send(@free_function, pointer)
      nil
    end

    def closed?
      @pointer.nil?
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
