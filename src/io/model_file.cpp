#include "kolosal/io/model_file.hpp"

#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>
#include <zlib.h>

#include <array>
#include <atomic>
#include <cerrno>
#include <cstdio>
#include <cstring>
#include <filesystem>
#include <fstream>
#include <limits>

#include "kolosal/core/error.hpp"
#include "kolosal/io/msgpack_io.hpp"

namespace kolosal::io {
namespace {

// Frame layout (little-endian): magic[8] | u32 version | u32 reserved | u64 payload size |
// u32 crc32(payload) | u32 reserved | payload.
constexpr std::array<char, 8> kMagic = {'K', 'O', 'L', 'O', 'S', 'A', 'L', '\x1a'};
constexpr size_t kHeaderSize = 32;
constexpr size_t kMaxDepth = 64;

template <typename T>
void PutLe(std::vector<uint8_t>& out, size_t offset, T value) {
  std::memcpy(out.data() + offset, &value, sizeof(T));
}

template <typename T>
T GetLe(std::span<const uint8_t> bytes, size_t offset) {
  T value;
  std::memcpy(&value, bytes.data() + offset, sizeof(T));
  return value;
}

uint32_t Crc32(std::span<const uint8_t> bytes) {
  uLong crc = crc32(0L, Z_NULL, 0);
  size_t offset = 0;
  while (offset < bytes.size()) {
    const size_t chunk = std::min<size_t>(bytes.size() - offset, std::numeric_limits<uInt>::max());
    crc = crc32(crc, bytes.data() + offset, static_cast<uInt>(chunk));
    offset += chunk;
  }
  return static_cast<uint32_t>(crc);
}

}  // namespace

std::vector<uint8_t> FramePayload(std::string_view payload) {
  std::vector<uint8_t> out(kHeaderSize + payload.size());
  std::memcpy(out.data(), kMagic.data(), kMagic.size());
  PutLe<uint32_t>(out, 8, kModelFormatVersion);
  PutLe<uint32_t>(out, 12, 0);
  PutLe<uint64_t>(out, 16, payload.size());
  std::memcpy(out.data() + kHeaderSize, payload.data(), payload.size());
  PutLe<uint32_t>(out, 24, Crc32({out.data() + kHeaderSize, payload.size()}));
  PutLe<uint32_t>(out, 28, 0);
  return out;
}

std::span<const uint8_t> UnframePayload(std::span<const uint8_t> file_bytes) {
  if (file_bytes.size() < kHeaderSize ||
      std::memcmp(file_bytes.data(), kMagic.data(), kMagic.size()) != 0) {
    if (file_bytes.size() >= kMagic.size() &&
        std::memcmp(file_bytes.data(), kMagic.data(), kMagic.size()) == 0) {
      ThrowCorrupt("truncated header (" + std::to_string(file_bytes.size()) + " bytes)");
    }
    ThrowCorrupt("not a Kolosal model file (bad magic)");
  }
  const uint32_t version = GetLe<uint32_t>(file_bytes, 8);
  if (version == 0 || version > kModelFormatVersion) {
    ThrowCorrupt("format version " + std::to_string(version) +
                 " is not supported (this build reads up to " +
                 std::to_string(kModelFormatVersion) + ")");
  }
  const uint64_t payload_size = GetLe<uint64_t>(file_bytes, 16);
  const uint64_t available = file_bytes.size() - kHeaderSize;
  if (payload_size > available) {
    ThrowCorrupt("truncated: header announces " + std::to_string(payload_size) +
                 " payload bytes, file holds " + std::to_string(available));
  }
  if (payload_size < available) {
    ThrowCorrupt("trailing data after the payload (" + std::to_string(available - payload_size) +
                 " bytes)");
  }
  std::span<const uint8_t> payload = file_bytes.subspan(kHeaderSize, payload_size);
  if (Crc32(payload) != GetLe<uint32_t>(file_bytes, 24)) ThrowCorrupt("checksum mismatch");
  return payload;
}

msgpack::object_handle UnpackPayload(std::span<const uint8_t> payload) {
  // No container can hold more elements than the payload has bytes.
  const size_t bound = std::max<size_t>(payload.size(), 1);
  const msgpack::unpack_limit limit(bound, bound, bound, bound, bound, kMaxDepth);
  try {
    size_t offset = 0;
    msgpack::object_handle handle =
        msgpack::unpack(reinterpret_cast<const char*>(payload.data()), payload.size(), offset,
                        nullptr, nullptr, limit);
    if (offset != payload.size()) ThrowCorrupt("trailing bytes inside the payload");
    return handle;
  } catch (const Error&) {
    throw;
  } catch (const std::exception& error) {
    ThrowCorrupt(std::string("malformed payload: ") + error.what());
  }
}

std::vector<uint8_t> ReadFileBytes(const std::string& path) {
  std::error_code error;
  if (std::filesystem::is_directory(path, error)) {
    throw Error(StatusCode::kIo, "cannot read '" + path + "': is a directory");
  }
  std::ifstream in(path, std::ios::binary);
  if (!in) throw Error(StatusCode::kIo, "cannot open '" + path + "': " + std::strerror(errno));
  in.seekg(0, std::ios::end);
  const std::streamoff size = in.tellg();
  if (size < 0) throw Error(StatusCode::kIo, "cannot read '" + path + "'");
  in.seekg(0, std::ios::beg);
  std::vector<uint8_t> bytes(static_cast<size_t>(size));
  in.read(reinterpret_cast<char*>(bytes.data()), size);
  if (!in) throw Error(StatusCode::kIo, "cannot read '" + path + "': short read");
  return bytes;
}

namespace {

[[noreturn]] void ThrowCannotWrite(const std::string& path, const std::string& reason) {
  throw Error(StatusCode::kIo, "cannot write '" + path + "': " + reason);
}

// Writes all of `bytes` to `fd`, retrying short writes; false (errno set) on failure.
bool WriteAll(int fd, std::span<const uint8_t> bytes) {
  while (!bytes.empty()) {
    const ssize_t written = ::write(fd, bytes.data(), bytes.size());
    if (written < 0 && errno == EINTR) continue;
    if (written <= 0) return false;
    bytes = bytes.subspan(static_cast<size_t>(written));
  }
  return true;
}

// The file a path names, symbolic links followed (also to a target that does not exist yet), so
// that saving through a link replaces the file it points to, not the link.
std::filesystem::path ResolveLinks(std::filesystem::path path) {
  std::error_code error;
  for (int hops = 0; hops < 40 && std::filesystem::is_symlink(path, error); ++hops) {
    std::filesystem::path target = std::filesystem::read_symlink(path, error);
    if (error) break;
    path = target.is_absolute() ? target : path.parent_path() / target;
  }
  return path;
}

}  // namespace

void WriteFileAtomically(const std::string& path, std::span<const uint8_t> bytes) {
  const std::filesystem::path target = ResolveLinks(path);
  std::error_code error;
  const std::filesystem::file_status status = std::filesystem::status(target, error);
  if (std::filesystem::is_directory(status)) ThrowCannotWrite(path, "is a directory");
  // A device or a pipe (/dev/stdout, a FIFO) is written in place: it cannot be renamed over.
  if (std::filesystem::exists(status) && !std::filesystem::is_regular_file(status)) {
    const int fd = ::open(target.c_str(), O_WRONLY | O_CLOEXEC);
    if (fd < 0) ThrowCannotWrite(path, std::strerror(errno));
    const bool written = WriteAll(fd, bytes);
    const int write_errno = errno;
    if (::close(fd) != 0 || !written) ThrowCannotWrite(path, std::strerror(write_errno));
    return;
  }
  // A regular file: write a temporary file in the same folder, flush it to disk and rename it
  // over the target, so a reader sees the old file or the new one, never half of one. The
  // temporary name is unique, so two processes saving to one path do not share it.
  const std::filesystem::path folder =
      target.has_parent_path() ? target.parent_path() : std::filesystem::path(".");
  std::string temp_path;
  int fd = -1;
  for (int attempt = 0; fd < 0 && attempt < 100; ++attempt) {
    static std::atomic<uint64_t> counter{0};
    temp_path = (folder / ("." + target.filename().string() + "." + std::to_string(::getpid()) +
                           "." + std::to_string(counter++) + ".tmp"))
                    .string();
    // 0666 less the umask, as any new file; O_EXCL: never someone else's file.
    fd = ::open(temp_path.c_str(), O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, 0666);
    if (fd < 0 && errno != EEXIST) ThrowCannotWrite(path, std::strerror(errno));
  }
  if (fd < 0) ThrowCannotWrite(path, "no unused temporary file name");
  // A replaced file keeps its permissions.
  struct stat existing {};
  const bool replaces = ::stat(target.c_str(), &existing) == 0;
  const bool written = (!replaces || ::fchmod(fd, existing.st_mode & 07777) == 0) &&
                       WriteAll(fd, bytes) && ::fsync(fd) == 0;
  const int write_errno = errno;
  if (::close(fd) != 0 || !written) {
    ::unlink(temp_path.c_str());
    ThrowCannotWrite(path, std::strerror(written ? errno : write_errno));
  }
  if (::rename(temp_path.c_str(), target.c_str()) != 0) {
    const int rename_errno = errno;
    ::unlink(temp_path.c_str());
    ThrowCannotWrite(path, std::strerror(rename_errno));
  }
}

}  // namespace kolosal::io
