# Which Python the Python module is built for and the Python tests (the module's
# and the C interface's ctypes test) run with.
#
# Debian's /usr/bin/python3, whose headers python3-dev installs and which CI
# has, rather than whatever python3 comes first on PATH: a pyenv or conda
# Python there would build a module that the system's Python cannot import, or
# find no headers at all. Give -DPython3_EXECUTABLE=… to use another.
if(NOT DEFINED Python3_EXECUTABLE AND EXISTS /usr/bin/python3)
  set(Python3_EXECUTABLE /usr/bin/python3 CACHE FILEPATH "The Python rulebook's module is built for and tested with")
endif()
if(DEFINED Python3_EXECUTABLE AND NOT DEFINED PYTHON_EXECUTABLE)
  set(PYTHON_EXECUTABLE ${Python3_EXECUTABLE} CACHE FILEPATH "The same Python, for pybind11's older lookup")
endif()

# Lets a Python test load rulebook's sanitized shared objects: the sanitizer
# runtimes must come first in a process whose main program (python3) was not
# built with them, and Python's own allocations at exit are not leaks to report.
function(rulebook_python_test_environment test)
  if(RULEBOOK_SANITIZE)
    execute_process(COMMAND ${CMAKE_CXX_COMPILER} -print-file-name=libasan.so
                    OUTPUT_VARIABLE asan OUTPUT_STRIP_TRAILING_WHITESPACE)
    execute_process(COMMAND ${CMAKE_CXX_COMPILER} -print-file-name=libubsan.so
                    OUTPUT_VARIABLE ubsan OUTPUT_STRIP_TRAILING_WHITESPACE)
    set_property(TEST ${test} APPEND PROPERTY ENVIRONMENT
                 "LD_PRELOAD=${asan}:${ubsan}" "ASAN_OPTIONS=detect_leaks=0")
  endif()
endfunction()
