# frozen_string_literal: true

module Kolosal
  # Dense row-major matrices packed for the C ABI: one String, no per-element native calls.
  module Matrix
    # dtype => [kolosal_dtype, pack directive, bytes per value]
    DTYPES = {
      float32: [Native::KOLOSAL_FLOAT32, "e*", 4].freeze,
      float64: [Native::KOLOSAL_FLOAT64, "E*", 8].freeze
    }.freeze

    # [bytes, kolosal_dtype, rows, cols] for data: an Array of rows, a flat Array (rows x cols
    # values), or a packed String (native byte order: Array#pack("E*") for :float64, "e*" for
    # :float32). cols defaults to default_cols for flat input; rows follows from the size. The
    # size is checked here, so that the library never reads past the String.
    def self.pack(data, rows, cols, dtype, default_cols = nil)
      dtype_code, directive, value_size = DTYPES[dtype] || raise(InvalidArgumentError,
                                                                "dtype must be :float32 or :float64, not #{dtype.inspect}")
      if data.is_a?(String)
        # A private frozen copy (copy-on-write): the caller cannot change what the library reads.
        bytes = data.frozen? ? data : data.dup.freeze
      elsif !data.is_a?(Array)
        raise InvalidArgumentError, "a matrix is an Array or a packed String, not #{data.class}"
      elsif data.first.is_a?(Array)
        rows ||= data.size
        cols ||= data.first.size
        check_rows(data, cols)
        # One row (the latency-sensitive case) needs no flattened copy.
        bytes = (data.size == 1 ? data.first : data.flatten(1)).pack(directive)
      else
        bytes = data.pack(directive)
      end
      cols ||= default_cols || raise(InvalidArgumentError, "the number of columns is unknown: pass cols:")
      rows ||= cols.zero? ? 0 : bytes.bytesize / (value_size * cols)
      if rows.negative? || cols.negative? || bytes.bytesize != rows * cols * value_size
        raise InvalidArgumentError, "#{bytes.bytesize / value_size} values cannot be " \
                                    "#{rows} rows x #{cols} columns"
      end
      [bytes, dtype_code, rows, cols]
    end

    def self.check_rows(data, cols)
      return if data.all? { |row| row.is_a?(Array) && row.size == cols }

      raise InvalidArgumentError, "every row must have #{cols} values"
    end
  end
end
