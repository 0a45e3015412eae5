#include "paths.h"

#include <sys/stat.h>
#include <unistd.h>

#include <climits>
#include <cstdlib>
#include <vector>

namespace residency {
namespace {

bool IsDir(const std::string& p) {
  struct stat st;
  return ::stat(p.c_str(), &st) == 0 && S_ISDIR(st.st_mode);
}

}  // namespace

std::string ExecutableDir() {
  char buf[4096];
  ssize_t n = ::readlink("/proc/self/exe", buf, sizeof buf - 1);
  if (n <= 0) return "";
  std::string path(buf, static_cast<size_t>(n));
  size_t slash = path.rfind('/');
  return slash == std::string::npos ? "" : path.substr(0, slash);
}

Status ResolveGeodbDir(const std::string& flag, std::string* dir) {
  if (!flag.empty()) {
    if (!IsDir(flag)) return Status::NotFound("--geodb " + flag + ": no such directory");
    *dir = flag;
    return Status::Ok();
  }
  if (const char* env = std::getenv("RESIDENCY_GEODB"); env && *env) {
    if (!IsDir(env)) return Status::NotFound(std::string("RESIDENCY_GEODB=") + env + ": no such directory");
    *dir = env;
    return Status::Ok();
  }
  std::vector<std::string> tried;
  std::string exe = ExecutableDir();
  if (!exe.empty()) tried.push_back(exe + "/../geodb");
  tried.push_back(std::string(RESIDENCY_SOURCE_DIR) + "/geodb");
  for (const std::string& candidate : tried) {
    if (IsDir(candidate)) {
      char resolved[PATH_MAX];
      *dir = ::realpath(candidate.c_str(), resolved) ? resolved : candidate;
      return Status::Ok();
    }
  }
  std::string msg = "no geodb directory found (tried";
  for (const std::string& t : tried) msg += " " + t;
  return Status::NotFound(msg + "); pass --geodb DIR or set RESIDENCY_GEODB");
}

}  // namespace residency
