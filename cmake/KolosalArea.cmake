# kolosal_add_area(<area> [DEPS <targets>...]) makes the static library kolosal_<area> from
# src/<area>/*.cpp. Each area may only link the areas before it (see docs/architecture.md).
function(kolosal_add_area area)
  cmake_parse_arguments(ARG "" "" "DEPS" ${ARGN})
  file(GLOB_RECURSE sources CONFIGURE_DEPENDS ${PROJECT_SOURCE_DIR}/src/${area}/*.cpp)
  if(NOT sources)
    # An area that has no code yet is a header-only interface.
    add_library(kolosal_${area} INTERFACE)
    target_link_libraries(kolosal_${area} INTERFACE ${ARG_DEPS})
    target_include_directories(kolosal_${area} INTERFACE ${PROJECT_SOURCE_DIR}/include
                               ${PROJECT_BINARY_DIR}/include)
  else()
    add_library(kolosal_${area} STATIC ${sources})
    target_include_directories(kolosal_${area} PUBLIC ${PROJECT_SOURCE_DIR}/include
                               ${PROJECT_BINARY_DIR}/include)
    target_link_libraries(kolosal_${area} PUBLIC ${ARG_DEPS} PRIVATE kolosal_warnings)
  endif()
  set_property(GLOBAL APPEND PROPERTY KOLOSAL_AREAS kolosal_${area})
endfunction()
