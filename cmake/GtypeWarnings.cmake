# gtype_warnings: the warning flags every target of ours builds with (not generated ANTLR code).
add_library(gtype_warnings INTERFACE)
target_compile_options(gtype_warnings INTERFACE -Wall -Wextra -Werror)
