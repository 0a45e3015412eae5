// The command line: parses argv with CLI11 into the option structs of commands.h and runs
// the command. Everything but the process itself lives here, so tests run argv vectors
// with string streams.
#ifndef RESIDENCY_CLI_H_
#define RESIDENCY_CLI_H_

#include <ostream>
#include <string>
#include <vector>

namespace residency {

// args[0] is the program name. Returns the exit code (commands.h).
int RunCli(const std::vector<std::string>& args, std::ostream& out, std::ostream& err);

}  // namespace residency

#endif  // RESIDENCY_CLI_H_
