# Every dependency comes from Debian 12 (see scripts/bootstrap.sh).
find_package(Threads REQUIRED)
find_package(Eigen3 3.4 REQUIRED NO_MODULE)
find_package(TBB REQUIRED)
find_package(msgpack REQUIRED)           # msgpack-cxx's package name; target msgpackc-cxx
find_package(nlohmann_json 3.10 REQUIRED)
find_package(ZLIB REQUIRED)
find_package(SQLite3 REQUIRED)
find_package(PostgreSQL REQUIRED)

# Sleef ships no CMake config.
find_library(SLEEF_LIBRARY sleef REQUIRED)
find_path(SLEEF_INCLUDE_DIR sleef.h REQUIRED PATHS /usr/include/x86_64-linux-gnu)
add_library(kolosal_sleef INTERFACE)
target_link_libraries(kolosal_sleef INTERFACE ${SLEEF_LIBRARY})
target_include_directories(kolosal_sleef SYSTEM INTERFACE ${SLEEF_INCLUDE_DIR})

add_library(kolosal_msgpack INTERFACE)
target_link_libraries(kolosal_msgpack INTERFACE msgpackc-cxx)
target_compile_definitions(kolosal_msgpack INTERFACE MSGPACK_NO_BOOST)

# asmjit: Debian's libasmjit.a is not PIC, so build it from Debian's source package
# (fetched by scripts/bootstrap.sh) as a PIC static library.
set(KOLOSAL_ASMJIT_SOURCE_DIR "${PROJECT_SOURCE_DIR}/.cache/asmjit-src" CACHE PATH "asmjit source tree")
if(NOT EXISTS "${KOLOSAL_ASMJIT_SOURCE_DIR}/CMakeLists.txt")
  message(FATAL_ERROR "asmjit source not found in ${KOLOSAL_ASMJIT_SOURCE_DIR}; run scripts/bootstrap.sh")
endif()
set(ASMJIT_STATIC ON CACHE BOOL "" FORCE)
set(ASMJIT_NO_INSTALL ON CACHE BOOL "" FORCE)  # linked in, never installed
set(ASMJIT_NO_AARCH32 ON CACHE BOOL "" FORCE)
set(ASMJIT_NO_AARCH64 ON CACHE BOOL "" FORCE)
add_subdirectory(${KOLOSAL_ASMJIT_SOURCE_DIR} ${PROJECT_BINARY_DIR}/third_party/asmjit EXCLUDE_FROM_ALL SYSTEM)
