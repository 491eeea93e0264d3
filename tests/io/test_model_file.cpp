#include <gtest/gtest.h>

#include <cstring>
#include <filesystem>

#include "kolosal/core/error.hpp"
#include "kolosal/io/model_file.hpp"
#include "kolosal/io/msgpack_io.hpp"

namespace kolosal::io {
namespace {

std::string Payload() {
  msgpack::sbuffer buffer;
  Packer packer(buffer);
  packer.pack_map(2);
  packer.pack(std::string_view("name"));
  packer.pack(std::string_view("model"));
  packer.pack(std::string_view("weights"));
  const std::vector<float> weights = {1.5f, -2.25f, 3.0e-8f};
  PackFloats(packer, weights);
  return std::string(buffer.data(), buffer.size());
}

std::string CorruptReason(std::span<const uint8_t> bytes) {
  try {
    UnpackPayload(UnframePayload(bytes));
  } catch (const Error& error) {
    EXPECT_EQ(error.code(), StatusCode::kCorruptModel);
    return error.what();
  }
  return "";
}

TEST(ModelFile, RoundTripsAPayload) {
  const std::vector<uint8_t> framed = FramePayload(Payload());
  const msgpack::object_handle handle = UnpackPayload(UnframePayload(framed));
  EXPECT_EQ(ReadField<std::string>(handle.get(), "name"), "model");
  const std::vector<float> weights = ReadFloats(Field(handle.get(), "weights"), "weights");
  ASSERT_EQ(weights.size(), 3u);
  EXPECT_EQ(weights[1], -2.25f);
  EXPECT_EQ(weights[2], 3.0e-8f);
}

TEST(ModelFile, RejectsForeignTruncatedAndCorruptedBytes) {
  std::vector<uint8_t> framed = FramePayload(Payload());
  const std::string foreign = "PK\x03\x04 a zip file";
  EXPECT_NE(CorruptReason({reinterpret_cast<const uint8_t*>(foreign.data()), foreign.size()})
                .find("bad magic"),
            std::string::npos);
  EXPECT_NE(CorruptReason({framed.data(), 10}).find("truncated"), std::string::npos);
  EXPECT_NE(CorruptReason({framed.data(), framed.size() - 1}).find("truncated"), std::string::npos);
  framed[framed.size() - 2] ^= 0x01;
  EXPECT_NE(CorruptReason(framed).find("checksum"), std::string::npos);
}

TEST(ModelFile, EveryTruncationAndBitFlipIsAnErrorNotACrash) {
  const std::vector<uint8_t> framed = FramePayload(Payload());
  for (size_t size = 0; size < framed.size(); ++size) {
    EXPECT_FALSE(CorruptReason({framed.data(), size}).empty()) << "size " << size;
  }
  for (size_t byte = 0; byte < framed.size(); ++byte) {
    std::vector<uint8_t> flipped = framed;
    flipped[byte] ^= 0x80;
    if (byte >= 12 && byte < 16) continue;  // reserved
    if (byte >= 28 && byte < 32) continue;  // reserved
    EXPECT_FALSE(CorruptReason(flipped).empty()) << "byte " << byte;
  }
}

TEST(ModelFile, HugeAnnouncedSizesDoNotAllocate) {
  std::vector<uint8_t> framed = FramePayload(Payload());
  const uint64_t huge = ~0ULL;
  std::memcpy(framed.data() + 16, &huge, sizeof huge);
  EXPECT_NE(CorruptReason(framed).find("truncated"), std::string::npos);
  // A payload whose array header claims 2^32-1 elements, with a valid frame around it.
  const std::string bogus = "\xdd\xff\xff\xff\xff";
  const std::vector<uint8_t> bogus_frame = FramePayload(bogus);
  EXPECT_FALSE(CorruptReason(bogus_frame).empty());
}

TEST(ModelFile, NewerVersionsAreRejected) {
  std::vector<uint8_t> framed = FramePayload(Payload());
  const uint32_t version = kModelFormatVersion + 1;
  std::memcpy(framed.data() + 8, &version, sizeof version);
  EXPECT_NE(CorruptReason(framed).find("not supported"), std::string::npos);
}

TEST(ModelFile, ReadAndWriteFiles) {
  const std::string path =
      (std::filesystem::temp_directory_path() / "kolosal-test-model-file.bin").string();
  const std::vector<uint8_t> bytes = {1, 2, 3, 4};
  WriteFileAtomically(path, bytes);
  EXPECT_EQ(ReadFileBytes(path), bytes);
  std::filesystem::remove(path);
  try {
    ReadFileBytes("/nonexistent/kolosal/file");
    FAIL();
  } catch (const Error& error) {
    EXPECT_EQ(error.code(), StatusCode::kIo);
    EXPECT_NE(std::string(error.what()).find("/nonexistent/kolosal/file"), std::string::npos);
  }
}

TEST(MsgpackIo, TypeMismatchIsCorrupt) {
  msgpack::sbuffer buffer;
  Packer packer(buffer);
  packer.pack_map(1);
  packer.pack(std::string_view("n"));
  packer.pack(std::string_view("not a number"));
  const msgpack::object_handle handle = msgpack::unpack(buffer.data(), buffer.size());
  try {
    ReadField<int>(handle.get(), "n");
    FAIL();
  } catch (const Error& error) {
    EXPECT_EQ(error.code(), StatusCode::kCorruptModel);
  }
  EXPECT_THROW(Field(handle.get(), "absent"), Error);
  EXPECT_THROW(ReadFloats(Field(handle.get(), "n"), "n"), Error);
}

}  // namespace
}  // namespace kolosal::io
