# Warnings are errors in our own code only; third-party code (asmjit) keeps its own flags.
add_library(kolosal_warnings INTERFACE)
target_compile_options(kolosal_warnings INTERFACE
  $<$<COMPILE_LANGUAGE:CXX>:-Wall -Wextra -Werror -Wno-error=deprecated-declarations>
  $<$<COMPILE_LANGUAGE:C>:-Wall -Wextra -Werror>)
