# frozen_string_literal: true

module Kolosal
  # A failed call: the status code and the library's message. Each status has a subclass
  # (Kolosal::InvalidArgumentError, Kolosal::IOError, ...), so `rescue Kolosal::IOError` works.
  class Error < StandardError
    CODE = nil

    # The stable numeric status code (kolosal_status).
    attr_reader :code

    def initialize(message = nil, code: self.class::CODE)
      super(message)
      @code = code
    end

    # The stable name of the status, e.g. "INVALID_ARGUMENT" (the library's
    # kolosal_status_name; "UNKNOWN" for a code it does not know).
    def status
      Native.kolosal_status_name(code.to_i)
    end

    # The exception for a status code and message; the native extension calls this inside the
    # wrapper of the call that failed.
    def self.for_status(code, message)
      CLASSES.fetch(code, Error).new(message, code: code)
    end
  end

  class InvalidArgumentError < Error; CODE = 1; end
  class IOError < Error; CODE = 2; end
  class CorruptModelError < Error; CODE = 3; end
  class CancelledError < Error; CODE = 4; end
  class OutOfMemoryError < Error; CODE = 5; end
  class NotFoundError < Error; CODE = 6; end
  class FailedPreconditionError < Error; CODE = 7; end
  class UnsupportedError < Error; CODE = 8; end
  class TimeoutError < Error; CODE = 9; end
  class InternalError < Error; CODE = 10; end

  Error::CLASSES = [InvalidArgumentError, IOError, CorruptModelError, CancelledError,
                    OutOfMemoryError, NotFoundError, FailedPreconditionError, UnsupportedError,
                    TimeoutError, InternalError].to_h { |klass| [klass::CODE, klass] }.freeze
end
