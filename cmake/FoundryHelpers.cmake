# foundry_module(NAME SOURCES ... DEPS ...): one static library per module,
# named foundry_<NAME>, with src/ on the include path so headers are included
# as "module/header.h".
function(foundry_module name)
  cmake_parse_arguments(ARG "" "" "SOURCES;DEPS" ${ARGN})
  add_library(foundry_${name} STATIC ${ARG_SOURCES})
  target_include_directories(foundry_${name} PUBLIC ${PROJECT_SOURCE_DIR}/src)
  target_link_libraries(foundry_${name} PUBLIC ${ARG_DEPS})
  foundry_warnings(foundry_${name})
endfunction()

function(foundry_warnings target)
  # -Wnull-dereference is left out: with GCC 12 at -O2 it fires inside
  # libstdc++ and Asio headers, not on our code.
  target_compile_options(${target} PRIVATE -Wall -Wextra -Wpedantic -Wshadow
    -Wnon-virtual-dtor -Wold-style-cast -Wcast-align -Wunused -Woverloaded-virtual
    -Wdouble-promotion -Wformat=2 -Wimplicit-fallthrough)
  if(FOUNDRY_WERROR)
    target_compile_options(${target} PRIVATE -Werror)
  endif()
endfunction()

# foundry_test(NAME SOURCES ... DEPS ... [LABELS ...]): one GoogleTest
# executable per area, registered with CTest test-by-test.
function(foundry_test name)
  cmake_parse_arguments(ARG "" "" "SOURCES;DEPS;LABELS" ${ARGN})
  add_executable(${name} ${ARG_SOURCES})
  target_link_libraries(${name} PRIVATE ${ARG_DEPS} GTest::gtest GTest::gtest_main GTest::gmock)
  target_include_directories(${name} PRIVATE ${PROJECT_SOURCE_DIR}/tests)
  foundry_warnings(${name})
  target_compile_definitions(${name} PRIVATE
    FOUNDRY_SOURCE_DIR="${PROJECT_SOURCE_DIR}"
    FOUNDRY_BINARY_DIR="${PROJECT_BINARY_DIR}")
  # One label per executable: gtest_discover_tests splits list-valued
  # properties, so "unit" is the default and LABELS names the rung instead.
  set(label unit)
  if(ARG_LABELS)
    list(GET ARG_LABELS 0 label)
  endif()
  gtest_discover_tests(${name} DISCOVERY_TIMEOUT 60 PROPERTIES LABELS ${label})
endfunction()
