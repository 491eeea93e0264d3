#include "kolosal/precision/cpu_features.hpp"

#include <cpuid.h>

#include <cstdint>

namespace kolosal::precision {
namespace {

struct CpuidRegisters {
  unsigned eax = 0, ebx = 0, ecx = 0, edx = 0;
};

CpuidRegisters Cpuid(unsigned leaf, unsigned subleaf) {
  CpuidRegisters regs;
  if (__get_cpuid_count(leaf, subleaf, &regs.eax, &regs.ebx, &regs.ecx, &regs.edx) == 0) return {};
  return regs;
}

bool Bit(unsigned value, int bit) { return ((value >> bit) & 1U) != 0; }

uint64_t ReadXcr0() {
  uint32_t eax = 0;
  uint32_t edx = 0;
  __asm__ volatile("xgetbv" : "=a"(eax), "=d"(edx) : "c"(0));
  return (static_cast<uint64_t>(edx) << 32) | eax;
}

CpuFeatures Probe() {
  CpuFeatures features;
  const CpuidRegisters leaf1 = Cpuid(1, 0);
  features.sse42 = Bit(leaf1.ecx, 20);
  const bool os_saves_ymm = Bit(leaf1.ecx, 27) && (ReadXcr0() & 0x6) == 0x6;
  if (!os_saves_ymm) return features;
  const uint64_t xcr0 = ReadXcr0();
  const bool os_saves_zmm = (xcr0 & 0xE0) == 0xE0;
  const bool os_saves_tiles = (xcr0 & 0x60000) == 0x60000;
  const CpuidRegisters leaf7 = Cpuid(7, 0);
  const CpuidRegisters leaf7_1 = Cpuid(7, 1);
  features.avx = Bit(leaf1.ecx, 28);
  features.fma = Bit(leaf1.ecx, 12);
  features.f16c = Bit(leaf1.ecx, 29);
  features.avx2 = Bit(leaf7.ebx, 5);
  if (os_saves_zmm) {
    features.avx512f = Bit(leaf7.ebx, 16);
    features.avx512bw = Bit(leaf7.ebx, 30);
    features.avx512vl = Bit(leaf7.ebx, 31);
    features.avx512_fp16 = Bit(leaf7.edx, 23);
    features.avx512_bf16 = Bit(leaf7_1.eax, 5);
  }
  if (os_saves_tiles) {
    features.amx_bf16 = Bit(leaf7.edx, 22);
    features.amx_tile = Bit(leaf7.edx, 24);
  }
  return features;
}

}  // namespace

const CpuFeatures& CpuFeatures::Detect() {
  static const CpuFeatures features = Probe();
  return features;
}

std::vector<std::string> CpuFeatures::Names() const {
  std::vector<std::string> names;
  const std::pair<bool, const char*> table[] = {
      {sse42, "sse4.2"},
      {avx, "avx"},
      {avx2, "avx2"},
      {fma, "fma"},
      {f16c, "f16c"},
      {avx512f, "avx512f"},
      {avx512bw, "avx512bw"},
      {avx512vl, "avx512vl"},
      {avx512_fp16, "avx512_fp16"},
      {avx512_bf16, "avx512_bf16"},
      {amx_tile, "amx_tile"},
      {amx_bf16, "amx_bf16"},
  };
  for (const auto& [present, name] : table) {
    if (present) names.emplace_back(name);
  }
  return names;
}

}  // namespace kolosal::precision
