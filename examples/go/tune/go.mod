module kolosal.ai/examples/tune

go 1.19

require kolosal.ai/kolosal v0.0.0

// The module is assembled by the CMake build (-DKOLOSAL_BUILD_BINDINGS=ON); this path is the
// default build folder (cmake --preset release). Point it at your own build if it differs.
replace kolosal.ai/kolosal => ../../../build/bindings/go/module
