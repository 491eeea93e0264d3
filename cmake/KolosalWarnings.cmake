# Warnings are errors in our own code only; third-party code (asmjit) keeps its own flags.
# -Wno-restrict: GCC 12 reports false positives inside libstdc++'s std::string at -O3
# (GCC bug 105651).
add_library(kolosal_warnings INTERFACE)
target_compile_options(kolosal_warnings INTERFACE
  $<$<COMPILE_LANGUAGE:CXX>:-Wall -Wextra -Werror>
  $<$<AND:$<COMPILE_LANGUAGE:CXX>,$<CXX_COMPILER_ID:GNU>>:-Wno-restrict>
  $<$<COMPILE_LANGUAGE:C>:-Wall -Wextra -Werror>)
