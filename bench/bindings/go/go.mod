module kolosal.ai/bench/bindings

go 1.19

require kolosal.ai/kolosal v0.0.0

// Rewritten by the build to the assembled module (bench/bindings/CMakeLists.txt).
replace kolosal.ai/kolosal => ../../../build/bindings/go/module
