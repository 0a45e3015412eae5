// Command-line tests: argv vectors through RunCli, with string streams.
#include "cli.h"

#include <doctest/doctest.h>

#include <sstream>

#include "commands.h"

namespace residency {
namespace {

struct Run {
  int code;
  std::string out, err;
};

Run Cli(std::vector<std::string> args) {
  args.insert(args.begin(), "residency");
  std::ostringstream out, err;
  int code = RunCli(args, out, err);
  return {code, out.str(), err.str()};
}

}  // namespace

TEST_CASE("--version prints one line") {
  Run r = Cli({"--version"});
  CHECK(r.code == kExitPass);
  CHECK(r.out == std::string("residency ") + RESIDENCY_VERSION + "\n");
}

TEST_CASE("--help on every command describes that command") {
  struct Case { std::vector<std::string> args; std::string expect; };
  const Case cases[] = {
      {{"--help"}, "Subcommands:"},
      {{"lint", "--help"}, "--profile"},
      {{"lookup", "--help"}, "TARGET"},
      {{"geodb", "info", "--help"}, "build date"},
      {{"geodb", "update", "--help"}, "--url"},
  };
  for (const Case& c : cases) {
    CAPTURE(c.args.front());
    Run r = Cli(c.args);
    CHECK(r.code == kExitPass);
    CHECK(r.out.find(c.expect) != std::string::npos);
    CHECK(r.err.empty());
  }
}

TEST_CASE("a wrong invocation is exit code 2 with a message") {
  const std::vector<std::vector<std::string>> cases = {
      {"--frobnicate"},
      {"lint"},
      {"lint", "a.json", "--format", "yaml"},
      {"nosuchcommand"},
      {"geodb"},
  };
  for (const auto& args : cases) {
    CAPTURE(args.front());
    Run r = Cli(args);
    CHECK(r.code == kExitError);
    CHECK(r.err.rfind("residency: ", 0) == 0);
    CHECK(r.out.empty());
  }
}

TEST_CASE("lint exit codes follow the findings") {
  struct Case { std::vector<std::string> args; int code; std::string in_out; std::string in_err; };
  const Case cases[] = {
      {{"lint", "manifests/examples/saas-frankfurt-aws.json"}, kExitPass, "0 fail, 2 warn, 0 info: pass", ""},
      {{"lint", "manifests/examples/fails-lint.json"}, kExitFail, "FAIL undisclosed-use blobhost/uploads", ""},
      {{"lint", "manifests/examples/fails-lint.json", "--format", "json"}, kExitFail, "\"result\": \"fail\"", ""},
      {{"lint", "manifests/examples/saas-frankfurt-aws.json", "--profile", "secnumcloud-3.2"}, kExitFail,
       "FAIL jurisdiction-exposure postbird", ""},
      {{"lint", "manifests/examples/saas-frankfurt-aws.json", "--profile", "eucs-hihg"}, kExitError, "",
       "--profile: error: unknown profile \"eucs-hihg\" (did you mean \"eucs-high\"?)"},
      {{"lint", "tests/data/no-such-manifest.json"}, kExitError, "",
       "tests/data/no-such-manifest.json: error: No such file or directory"},
      {{"lint", "manifests/examples/saas-frankfurt-aws.json", "--geodb", "/nonexistent"}, kExitError, "",
       "residency: --geodb /nonexistent: no such directory"},
  };
  for (const Case& c : cases) {
    CAPTURE(c.args.back());
    Run r = Cli(c.args);
    CHECK(r.code == c.code);
    CHECK(r.out.find(c.in_out) != std::string::npos);
    CHECK(r.err.find(c.in_err) != std::string::npos);
  }
}

}  // namespace residency
