# Checks what `cmake --install` puts in a prefix: installs components kolosal (library, header,
# CLI) and kolosal_go (kolosal.pc) of the build into a scratch prefix, asks pkg-config (which cgo
# runs) for the version, cflags and libs, checks that they point into that prefix, and builds and
# runs a C program with them; again after the whole prefix is moved (the .pc file finds its
# prefix from its own folder).
# cmake -DBUILD_DIR=<build> -DPREFIX=<scratch dir> -DLIBDIR=<lib> -DINCLUDEDIR=<include>
#       -DVERSION=<x.y.z> -DPKG_CONFIG=<pkg-config> -DC_COMPILER=<cc> -P CheckInstalledPc.cmake
set(moved ${PREFIX}-moved)
file(REMOVE_RECURSE ${PREFIX} ${moved})
foreach(component kolosal kolosal_go)
  execute_process(COMMAND ${CMAKE_COMMAND} --install ${BUILD_DIR} --prefix ${PREFIX}
                          --component ${component}
                  RESULT_VARIABLE result)
  if(NOT result EQUAL 0)
    message(FATAL_ERROR "cmake --install --component ${component} failed")
  endif()
endforeach()
foreach(installed ${LIBDIR}/libkolosal.so ${INCLUDEDIR}/kolosal_c.h bin/kolosal)
  if(NOT EXISTS ${PREFIX}/${installed})
    message(FATAL_ERROR "cmake --install put no ${installed} in ${PREFIX}")
  endif()
endforeach()
if(NOT EXISTS ${PREFIX}/${LIBDIR}/pkgconfig/kolosal.pc)
  message(FATAL_ERROR "no kolosal.pc installed in ${PREFIX}/${LIBDIR}/pkgconfig")
endif()

# pkg-config on the installed file only: PKG_CONFIG_LIBDIR replaces the default search path.
function(pkg_config prefix out)
  execute_process(COMMAND ${CMAKE_COMMAND} -E env --unset=PKG_CONFIG_PATH
                          PKG_CONFIG_LIBDIR=${prefix}/${LIBDIR}/pkgconfig ${PKG_CONFIG} ${ARGN}
                          kolosal
                  RESULT_VARIABLE result OUTPUT_VARIABLE output ERROR_VARIABLE error
                  OUTPUT_STRIP_TRAILING_WHITESPACE)
  if(NOT result EQUAL 0)
    message(FATAL_ERROR "pkg-config ${ARGN} kolosal failed: ${error}")
  endif()
  set(${out} "${output}" PARENT_SCOPE)
endfunction()

# Fails unless the flag <option><path> is in flags with path, normalized, equal to expected.
function(expect_path flags option expected)
  separate_arguments(flags UNIX_COMMAND "${flags}")
  cmake_path(SET expected NORMALIZE "${expected}")
  foreach(flag ${flags})
    if(flag MATCHES "^${option}(.+)$")
      cmake_path(SET found NORMALIZE "${CMAKE_MATCH_1}")
      if(found STREQUAL expected)
        return()
      endif()
    endif()
  endforeach()
  message(FATAL_ERROR "expected ${option}${expected} in: ${flags}")
endfunction()

function(check_prefix prefix)
  pkg_config(${prefix} version --modversion)
  if(NOT "${version}" STREQUAL "${VERSION}")
    message(FATAL_ERROR "kolosal.pc says version '${version}', the project is ${VERSION}")
  endif()
  pkg_config(${prefix} cflags --cflags)
  expect_path("${cflags}" "-I" ${prefix}/${INCLUDEDIR})
  pkg_config(${prefix} libs --libs)
  expect_path("${libs}" "-L" ${prefix}/${LIBDIR})
  expect_path("${libs}" "-Wl,-rpath," ${prefix}/${LIBDIR})
  if(NOT libs MATCHES "(^| )-lkolosal( |$)")
    message(FATAL_ERROR "no -lkolosal in: ${libs}")
  endif()
  # A C program built with nothing but those flags runs against the installed library.
  file(WRITE ${prefix}/check.c "#include <kolosal_c.h>\n#include <stdio.h>\n"
       "int main(void) { puts(kolosal_version()); return 0; }\n")
  separate_arguments(compile_flags UNIX_COMMAND "${cflags} ${libs}")
  execute_process(COMMAND ${C_COMPILER} ${prefix}/check.c -o ${prefix}/check ${compile_flags}
                  RESULT_VARIABLE result ERROR_VARIABLE error)
  if(NOT result EQUAL 0)
    message(FATAL_ERROR "compiling against the installed header and library failed: ${error}")
  endif()
  execute_process(COMMAND ${prefix}/check RESULT_VARIABLE result OUTPUT_VARIABLE printed
                  OUTPUT_STRIP_TRAILING_WHITESPACE)
  if(NOT result EQUAL 0 OR NOT printed STREQUAL "${VERSION}")
    message(FATAL_ERROR "the program built against ${prefix} printed '${printed}' (${result})")
  endif()
  file(REMOVE ${prefix}/check.c ${prefix}/check)
  message(STATUS "${prefix}: ${cflags} ${libs}")
endfunction()

check_prefix(${PREFIX})
file(RENAME ${PREFIX} ${moved})
check_prefix(${moved})
file(REMOVE_RECURSE ${moved})
