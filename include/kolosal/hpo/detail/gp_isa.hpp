#pragma once

// The GP's code is built twice into one library: portably, and for CPUs with AVX2 and FMA
// (src/hpo/gp_sampler_avx2.cpp, which defines KOLOSAL_GP_ISA as avx2). Each build lives in
// its own inline namespace, so their symbols never meet; the sampler registry picks one at run
// time (docs/hpo.md).
#ifndef KOLOSAL_GP_ISA
#define KOLOSAL_GP_ISA portable
#endif
