#pragma once

#include <cstdint>
#include <msgpack.hpp>
#include <span>
#include <string>
#include <string_view>
#include <vector>

namespace kolosal::io {

/// The current model format version; see docs/model-format.md.
inline constexpr uint32_t kModelFormatVersion = 1;

/// Frames a msgpack payload: magic, format version, payload size and CRC-32.
std::vector<uint8_t> FramePayload(std::string_view payload);

/// Checks the frame (magic, version, size, checksum) and returns the payload inside `file_bytes`.
/// Throws Error(kCorruptModel) with a one-line reason for anything wrong.
std::span<const uint8_t> UnframePayload(std::span<const uint8_t> file_bytes);

/// Unpacks a payload with every container and string bounded by the payload size, so a corrupt
/// length can never cause a huge allocation. Throws Error(kCorruptModel).
msgpack::object_handle UnpackPayload(std::span<const uint8_t> payload);

/// Reads a whole file; throws Error(kIo) (missing, unreadable) naming the path.
std::vector<uint8_t> ReadFileBytes(const std::string& path);
/// Writes a file through a temporary name and a rename, so readers never see half a file.
void WriteFileAtomically(const std::string& path, std::span<const uint8_t> bytes);

}  // namespace kolosal::io
