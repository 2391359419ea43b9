# Writes OUTPUT from INPUT with the source tree's current git revision; run at every build so the
# revision stamped into the program (and into every results file) is never stale. The file is
# rewritten only when its text changes, so an unchanged revision rebuilds nothing.
execute_process(COMMAND git rev-parse --short=12 HEAD
  WORKING_DIRECTORY ${SOURCE_DIR}
  OUTPUT_VARIABLE GENEPOOL_GIT_REVISION OUTPUT_STRIP_TRAILING_WHITESPACE ERROR_QUIET)
if(NOT GENEPOOL_GIT_REVISION)
  set(GENEPOOL_GIT_REVISION "unknown")
endif()
execute_process(COMMAND git status --porcelain --untracked-files=no
  WORKING_DIRECTORY ${SOURCE_DIR}
  OUTPUT_VARIABLE GENEPOOL_GIT_CHANGES OUTPUT_STRIP_TRAILING_WHITESPACE ERROR_QUIET)
if(GENEPOOL_GIT_CHANGES)
  string(APPEND GENEPOOL_GIT_REVISION "-dirty")
endif()
configure_file(${INPUT} ${OUTPUT}.new @ONLY)
file(COPY_FILE ${OUTPUT}.new ${OUTPUT} ONLY_IF_DIFFERENT)
