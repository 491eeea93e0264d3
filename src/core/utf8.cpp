#include "kolosal/core/utf8.hpp"

#include <cstdint>
#include <cstdio>
#include <cstring>

namespace kolosal {
namespace {

// The length of the well-formed sequence at `text[pos]`, or 0 (RFC 3629's table of
// well-formed byte sequences).
size_t SequenceLength(std::string_view text, size_t pos) {
  const auto byte = [&](size_t offset) {
    return pos + offset < text.size() ? static_cast<uint8_t>(text[pos + offset]) : uint8_t{0};
  };
  const auto continuation = [](uint8_t value, uint8_t low = 0x80, uint8_t high = 0xBF) {
    return value >= low && value <= high;
  };
  const uint8_t lead = byte(0);
  if (lead < 0x80) return 1;
  if (lead >= 0xC2 && lead <= 0xDF) return continuation(byte(1)) ? 2 : 0;
  if (lead >= 0xE0 && lead <= 0xEF) {
    const uint8_t low = lead == 0xE0 ? 0xA0 : 0x80;   // no overlong forms
    const uint8_t high = lead == 0xED ? 0x9F : 0xBF;  // no surrogates
    return continuation(byte(1), low, high) && continuation(byte(2)) ? 3 : 0;
  }
  if (lead >= 0xF0 && lead <= 0xF4) {
    const uint8_t low = lead == 0xF0 ? 0x90 : 0x80;   // no overlong forms
    const uint8_t high = lead == 0xF4 ? 0x8F : 0xBF;  // nothing beyond U+10FFFF
    return continuation(byte(1), low, high) && continuation(byte(2)) && continuation(byte(3)) ? 4
                                                                                              : 0;
  }
  return 0;  // a continuation byte without a lead, C0, C1 or F5..FF
}

}  // namespace

size_t FindInvalidUtf8(std::string_view text) {
  size_t pos = 0;
  while (pos < text.size()) {
    // Eight ASCII bytes at a time: most of a CSV file.
    uint64_t word = 0;
    if (pos + sizeof(word) <= text.size()) {
      std::memcpy(&word, text.data() + pos, sizeof(word));
      if ((word & 0x8080808080808080ULL) == 0) {
        pos += sizeof(word);
        continue;
      }
    }
    const size_t length = SequenceLength(text, pos);
    if (length == 0) return pos;
    pos += length;
  }
  return std::string_view::npos;
}

std::string EscapeInvalidUtf8(std::string_view text) {
  std::string escaped;
  for (size_t bad = FindInvalidUtf8(text); bad != std::string_view::npos;
       bad = FindInvalidUtf8(text)) {
    char byte[5];
    std::snprintf(byte, sizeof(byte), "\\x%02X",
                  static_cast<unsigned>(static_cast<uint8_t>(text[bad])));
    escaped.append(text.substr(0, bad)).append(byte);
    text.remove_prefix(bad + 1);
  }
  return escaped.append(text);
}

}  // namespace kolosal
