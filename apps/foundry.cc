// foundry: the command-line client. All logic lives in src/cli.
#include <chrono>
#include <iostream>
#include <thread>

#include "cli/app.h"

int main(int argc, char** argv) {
  using namespace foundry::cli;
  CliIo io{std::cin,
           std::cout,
           std::cerr,
           processEnv(),
           makeClientTransport,
           [] {
             using namespace std::chrono;
             return duration_cast<milliseconds>(system_clock::now().time_since_epoch()).count();
           },
           [](std::chrono::milliseconds d) { std::this_thread::sleep_for(d); }};
  return runCli(argc, argv, io);
}
