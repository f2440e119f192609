# Fuzzers of the http module (included by fuzz/CMakeLists.txt).
if(TARGET foundry_http_wire)
  foundry_fuzzer(http_request_fuzzer SOURCES http_request_fuzzer.cc DEPS foundry_http_wire)
endif()
