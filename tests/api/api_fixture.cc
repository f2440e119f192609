#include "api_fixture.h"

#include <fstream>
#include <sstream>

namespace foundry::testing {

std::string ApiFixture::readFile(const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  std::stringstream s;
  s << in.rdbuf();
  return s.str();
}

}  // namespace foundry::testing
