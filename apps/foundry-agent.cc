// foundry-agent: runs inside the discovery image. For now it only reads and
// checks its settings from the kernel command line (registration and
// inventory arrive with the discovery issue).

#include <fstream>
#include <iostream>
#include <sstream>

#include <CLI/CLI.hpp>

#include "agent/cmdline.h"

int main(int argc, char** argv) {
  CLI::App app{
      "foundry-agent — Foundry's runner in the discovery image.\n\n"
      "Reads foundry.url=, foundry.ca=, foundry.token= and BOOTIF= from the kernel command line.\n"
      "Example:\n  foundry-agent --cmdline /proc/cmdline --print-settings"};
  app.set_version_flag("--version", FOUNDRY_VERSION);
  std::string cmdlinePath = "/proc/cmdline";
  bool print = false;
  app.add_option("--cmdline", cmdlinePath, "File holding the kernel command line");
  app.add_flag("--print-settings", print, "Print the settings found and exit");
  CLI11_PARSE(app, argc, argv);

  std::ifstream in(cmdlinePath);
  if (!in) {
    std::cerr << "foundry-agent: cannot read " << cmdlinePath << "\n";
    return 1;
  }
  std::stringstream text;
  text << in.rdbuf();
  auto settings = foundry::agent::settingsFromCmdline(text.str());
  if (!settings) {
    std::cerr << "foundry-agent: " << settings.error().describe() << "\n";
    return 1;
  }
  std::cout << "url=" << settings->url << "\nca=" << settings->caFingerprint
            << "\nboot_mac=" << settings->bootMac
            << "\ntoken=" << (settings->token.empty() ? "absent" : "present") << "\n";
  if (!print) {
    std::cerr << "foundry-agent: registration is not part of this build yet (see issue 6)\n";
    return 3;
  }
  return 0;
}
