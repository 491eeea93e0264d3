#include <gtest/gtest.h>
#include <unistd.h>

#include <algorithm>
#include <cstring>
#include <filesystem>
#include <string>
#include <thread>
#include <vector>

#include "common/expect_error.hpp"
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

// A scratch folder of its own, removed at the end.
class ModelFileWrite : public ::testing::Test {
 protected:
  void SetUp() override {
    folder_ = std::filesystem::temp_directory_path() /
              ("kolosal-write-" + std::to_string(::getpid()) + "-" +
               ::testing::UnitTest::GetInstance()->current_test_info()->name());
    std::filesystem::remove_all(folder_);
    std::filesystem::create_directories(folder_);
  }
  void TearDown() override { std::filesystem::remove_all(folder_); }
  // The names in the folder: no temporary file may be left behind.
  std::vector<std::string> Names() const {
    std::vector<std::string> names;
    for (const auto& entry : std::filesystem::directory_iterator(folder_)) {
      names.push_back(entry.path().filename().string());
    }
    std::sort(names.begin(), names.end());
    return names;
  }
  std::filesystem::path folder_;
};

// Saving through a symbolic link replaces the file it points to and keeps the link.
TEST_F(ModelFileWrite, FollowsSymbolicLinks) {
  const std::filesystem::path target = folder_ / "model.bin";
  const std::filesystem::path link = folder_ / "latest.bin";
  WriteFileAtomically(target.string(), std::vector<uint8_t>{1});
  std::filesystem::create_symlink("model.bin", link);
  WriteFileAtomically(link.string(), std::vector<uint8_t>{2, 2});
  EXPECT_TRUE(std::filesystem::is_symlink(link));
  EXPECT_EQ(ReadFileBytes(target.string()), (std::vector<uint8_t>{2, 2}));
  // A dangling link gets its target created.
  std::filesystem::create_symlink("new.bin", folder_ / "dangling.bin");
  WriteFileAtomically((folder_ / "dangling.bin").string(), std::vector<uint8_t>{3});
  EXPECT_EQ(ReadFileBytes((folder_ / "new.bin").string()), std::vector<uint8_t>{3});
  EXPECT_EQ(Names(),
            (std::vector<std::string>{"dangling.bin", "latest.bin", "model.bin", "new.bin"}));
}

// A replaced file keeps its permissions.
TEST_F(ModelFileWrite, KeepsThePermissionsOfTheFileItReplaces) {
  const std::filesystem::path path = folder_ / "model.bin";
  WriteFileAtomically(path.string(), std::vector<uint8_t>{1});
  std::filesystem::permissions(path, std::filesystem::perms::owner_read |
                                         std::filesystem::perms::owner_write |
                                         std::filesystem::perms::group_read);
  WriteFileAtomically(path.string(), std::vector<uint8_t>{2});
  EXPECT_EQ(std::filesystem::status(path).permissions(), std::filesystem::perms::owner_read |
                                                             std::filesystem::perms::owner_write |
                                                             std::filesystem::perms::group_read);
}

// Threads saving to one path at once each write a whole file of their own: the result is one
// of them, complete, and no temporary file is left.
TEST_F(ModelFileWrite, ConcurrentSavesToOnePathLeaveOneWholeFile) {
  const std::filesystem::path path = folder_ / "model.bin";
  std::vector<std::thread> threads;
  for (uint8_t writer = 0; writer < 8; ++writer) {
    threads.emplace_back([&path, writer] {
      for (int round = 0; round < 20; ++round) {
        WriteFileAtomically(path.string(), std::vector<uint8_t>(100000, writer));
      }
    });
  }
  for (std::thread& thread : threads) thread.join();
  const std::vector<uint8_t> bytes = ReadFileBytes(path.string());
  ASSERT_EQ(bytes.size(), 100000u);
  EXPECT_EQ(std::count(bytes.begin(), bytes.end(), bytes[0]), 100000);
  EXPECT_EQ(Names(), std::vector<std::string>{"model.bin"});
}

// A write that fails says why, and leaves nothing behind: a full device, a folder, a missing
// folder.
TEST_F(ModelFileWrite, FailuresAreIoErrorsWithTheReason) {
  const auto message_of = [](const std::string& path) -> std::string {
    try {
      WriteFileAtomically(path, std::vector<uint8_t>(1 << 16, 7));
    } catch (const Error& error) {
      EXPECT_EQ(error.code(), StatusCode::kIo);
      return error.what();
    }
    return "";
  };
  if (std::filesystem::exists("/dev/full")) {
    EXPECT_NE(message_of("/dev/full").find("No space left on device"), std::string::npos);
  }
  EXPECT_NE(message_of(folder_.string()).find("is a directory"), std::string::npos);
  EXPECT_NE(message_of((folder_ / "no" / "m.bin").string()).find("No such file or directory"),
            std::string::npos);
  EXPECT_TRUE(Names().empty());
}

// A msgpack map of (key, value) pairs, packed and unpacked again.
template <typename... Pairs>
msgpack::object_handle UnpackedMap(const Pairs&... pairs) {
  msgpack::sbuffer buffer;
  Packer packer(buffer);
  packer.pack_map(sizeof...(Pairs));
  ((packer.pack(pairs.first), packer.pack(pairs.second)), ...);
  return msgpack::unpack(buffer.data(), buffer.size());
}

TEST(MsgpackIo, TypeMismatchIsCorrupt) {
  const msgpack::object_handle handle =
      UnpackedMap(std::pair{std::string_view("n"), std::string_view("not a number")});
  try {
    ReadField<int>(handle.get(), "n");
    FAIL();
  } catch (const Error& error) {
    EXPECT_EQ(error.code(), StatusCode::kCorruptModel);
  }
  EXPECT_THROW(Field(handle.get(), "absent"), Error);
  EXPECT_THROW(ReadFloats(Field(handle.get(), "n"), "n"), Error);
}

// Names and categories come back out through JSON and the C ABI, so they must be UTF-8.
TEST(MsgpackIo, StringsThatAreNotUtf8AreCorrupt) {
  const msgpack::object_handle handle =
      UnpackedMap(std::pair{std::string_view("name"), std::string_view("K\xF6ln")},
                  std::pair{std::string_view("nested"),
                            std::vector<std::vector<std::string>>{{"ok"}, {"caf\xE9"}}},
                  std::pair{std::string_view("good"), std::vector<std::string>{"K\xC3\xB6ln"}});
  testing::ExpectError([&] { (void)ReadField<std::string>(handle.get(), "name"); },
                       StatusCode::kCorruptModel, "name: a string that is not UTF-8");
  testing::ExpectError(
      [&] { (void)ReadField<std::vector<std::vector<std::string>>>(handle.get(), "nested"); },
      StatusCode::kCorruptModel, "nested: a string that is not UTF-8");
  EXPECT_EQ(ReadField<std::vector<std::string>>(handle.get(), "good").at(0), "K\xC3\xB6ln");
}

}  // namespace
}  // namespace kolosal::io
