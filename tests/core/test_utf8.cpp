#include <gtest/gtest.h>

#include <string>
#include <string_view>

#include "kolosal/core/error.hpp"
#include "kolosal/core/utf8.hpp"

namespace kolosal {
namespace {

constexpr size_t kValid = std::string_view::npos;

TEST(FindInvalidUtf8, AcceptsWellFormedText) {
  EXPECT_EQ(FindInvalidUtf8(""), kValid);
  EXPECT_EQ(FindInvalidUtf8("plain ASCII, longer than eight bytes"), kValid);
  EXPECT_EQ(FindInvalidUtf8("caf\xC3\xA9"), kValid);                   // U+00E9, two bytes
  EXPECT_EQ(FindInvalidUtf8("\xE2\x82\xAC 5"), kValid);                // U+20AC, three bytes
  EXPECT_EQ(FindInvalidUtf8("\xF0\x9F\x98\x80"), kValid);              // U+1F600, four bytes
  EXPECT_EQ(FindInvalidUtf8("\xEF\xBF\xBF\xF4\x8F\xBF\xBF"), kValid);  // U+FFFF, U+10FFFF
  EXPECT_EQ(FindInvalidUtf8(std::string("a\0b", 3)), kValid);
}

TEST(FindInvalidUtf8, FindsTheFirstBadByte) {
  EXPECT_EQ(FindInvalidUtf8("caf\xE9"), 3U);                // Latin-1 e-acute
  EXPECT_EQ(FindInvalidUtf8("abcdefghij\xFF"), 10U);        // after the ASCII fast path
  EXPECT_EQ(FindInvalidUtf8("\x80"), 0U);                   // a lone continuation byte
  EXPECT_EQ(FindInvalidUtf8("ok\xC0\x80"), 2U);             // overlong NUL
  EXPECT_EQ(FindInvalidUtf8("\xE0\x80\xAF"), 0U);           // overlong three-byte form
  EXPECT_EQ(FindInvalidUtf8("\xF0\x8F\xBF\xBF"), 0U);       // overlong four-byte form
  EXPECT_EQ(FindInvalidUtf8("x\xED\xA0\x80"), 1U);          // a UTF-16 surrogate
  EXPECT_EQ(FindInvalidUtf8("\xF4\x90\x80\x80"), 0U);       // beyond U+10FFFF
  EXPECT_EQ(FindInvalidUtf8("\xF5\x80\x80\x80"), 0U);       // a lead byte that never occurs
  EXPECT_EQ(FindInvalidUtf8("\xE2\x82"), 0U);               // cut short at the end
  EXPECT_EQ(FindInvalidUtf8("\xC3\xA9\xC3(abcdefgh"), 2U);  // cut short before ASCII
}

// Text quoted from bad input stays readable and becomes UTF-8; errors carry it that way.
TEST(EscapeInvalidUtf8, WritesBadBytesAsHex) {
  EXPECT_EQ(EscapeInvalidUtf8("caf\xC3\xA9"), "caf\xC3\xA9");
  EXPECT_EQ(EscapeInvalidUtf8("caf\xE9 au lait"), "caf\\xE9 au lait");
  EXPECT_EQ(EscapeInvalidUtf8("\xFF\xFE"), "\\xFF\\xFE");
  EXPECT_EQ(EscapeInvalidUtf8("\xE2\x82"), "\\xE2\\x82");  // cut short: each byte alone
  EXPECT_EQ(EscapeInvalidUtf8(""), "");
  const Error error(StatusCode::kInvalidArgument, "last read: '\xF6'");
  EXPECT_STREQ(error.what(), "last read: '\\xF6'");
}

}  // namespace
}  // namespace kolosal
