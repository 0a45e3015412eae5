// residency: verifies where a cloud service's data really is. See README.md.
#include <iostream>
#include <string>
#include <vector>

#include "cli.h"

#ifdef RESIDENCY_MIMALLOC
#include <mimalloc.h>
#endif

int main(int argc, char** argv) {
#ifdef RESIDENCY_MIMALLOC
  // A run is short: memory it frees is reused, not handed back to the system and faulted
  // in again (0.6 s of system time at a million endpoints).
  mi_option_disable(mi_option_allow_decommit);
#endif
  std::vector<std::string> args(argv, argv + argc);
  int code = residency::RunCli(args, std::cout, std::cerr);
  std::cout.flush();
  return code;
}
