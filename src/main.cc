// residency: verifies where a cloud service's data really is. See README.md.
#include <iostream>
#include <string>
#include <vector>

#include "cli.h"

int main(int argc, char** argv) {
  std::vector<std::string> args(argv, argv + argc);
  int code = residency::RunCli(args, std::cout, std::cerr);
  std::cout.flush();
  return code;
}
