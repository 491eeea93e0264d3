# frozen_string_literal: true

module Kolosal
  # A dense row-major matrix packed for the C ABI: one String, no per-element native calls.
  class Matrix
    # dtype => [kolosal_dtype, pack directive, bytes per value]
    DTYPES = {
      float32: [Native::KOLOSAL_FLOAT32, "e*", 4],
      float64: [Native::KOLOSAL_FLOAT64, "E*", 8]
    }.freeze

    attr_reader :bytes, :dtype_code, :rows, :cols

    # data: an Array of rows, a flat Array (rows x cols values), or a packed String (native
    # byte order, Array#pack("E*") for :float64, "e*" for :float32). cols defaults to
    # default_cols for flat input; rows follows from the size.
    def initialize(data, rows: nil, cols: nil, dtype: :float64, default_cols: nil)
      @dtype_code, directive, value_size = DTYPES.fetch(dtype) do
        raise InvalidArgumentError, "dtype must be :float32 or :float64, not #{dtype.inspect}"
      end
      if data.is_a?(String)
        # A private frozen copy (copy-on-write): the caller cannot change what the library reads.
        @bytes = data.frozen? ? data : data.dup.freeze
      else
        data = Matrix.flatten_rows(data, cols) { |row_count, row_size| rows ||= row_count; cols ||= row_size }
        @bytes = data.pack(directive)
      end
      @cols = cols || default_cols
      raise InvalidArgumentError, "the number of columns is unknown: pass cols:" unless @cols

      @rows = rows || (@cols.zero? ? 0 : @bytes.bytesize / (value_size * @cols))
      return if @rows >= 0 && @cols >= 0 && @bytes.bytesize == @rows * @cols * value_size

      raise InvalidArgumentError, "#{@bytes.bytesize / value_size} values cannot be " \
                                  "#{@rows} rows x #{@cols} columns"
    end

    # An Array of rows becomes one flat Array (yielding its shape); a flat Array stays.
    def self.flatten_rows(data, cols)
      raise InvalidArgumentError, "a matrix is an Array or a packed String" unless data.is_a?(Array)
      return data unless data.first.is_a?(Array)

      row_size = cols || data.first.size
      unless data.all? { |row| row.is_a?(Array) && row.size == row_size }
        raise InvalidArgumentError, "every row must have #{row_size} values"
      end
      yield data.size, row_size
      data.flatten(1)
    end
  end
end
