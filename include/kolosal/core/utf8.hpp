#pragma once

#include <cstddef>
#include <string>
#include <string_view>

namespace kolosal {

/// The offset of the first byte of `text` that is not part of a well-formed UTF-8 sequence
/// (RFC 3629: no overlong forms, no surrogates, nothing beyond U+10FFFF), or
/// std::string_view::npos when the whole text is UTF-8. Every string the library hands out
/// (names, categories, JSON) must be UTF-8, so text from outside is checked where it comes in.
size_t FindInvalidUtf8(std::string_view text);

/// `text` with every byte that is not part of a well-formed UTF-8 sequence written as `\xNN`,
/// so that text quoted from bad input (an error message, say) is still UTF-8.
std::string EscapeInvalidUtf8(std::string_view text);

}  // namespace kolosal
