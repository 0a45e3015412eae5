// Support shared by the libFuzzer targets in this folder (built with RESIDENCY_FUZZ=ON).
//
// The targets read the project's geodb data files (countries, groups, regions) from the
// source tree once per process; a failure to load them is a broken checkout, not a
// finding, so it aborts with a message before the first input. Parsers that only read
// files get their input through a per-process file on a RAM disk (/dev/shm when present).
#ifndef RESIDENCY_FUZZ_FUZZ_SUPPORT_H_
#define RESIDENCY_FUZZ_FUZZ_SUPPORT_H_

#include <unistd.h>

#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <fstream>
#include <string>

#include "jurisdiction.h"

namespace residency::fuzz {

// The Jurisdictions of the source tree's geodb/, loaded on first use; lives forever.
inline const Jurisdictions& SourceJurisdictions() {
  static const Jurisdictions* jurisdictions = [] {
    auto* j = new Jurisdictions;
    Status s = Jurisdictions::Load(std::string(RESIDENCY_SOURCE_DIR) + "/geodb", j);
    if (!s.ok()) {
      std::fprintf(stderr, "fuzz: cannot load the geodb data: %s\n", s.message().c_str());
      std::abort();
    }
    return j;
  }();
  return *jurisdictions;
}

// A file path private to this process, for parsers that take a path: in
// $RESIDENCY_FUZZ_SCRATCH (scripts/fuzz makes and removes one), else /dev/shm or /tmp.
// The file is removed when the process exits normally.
inline const std::string& ScratchPath(const char* suffix) {
  static const std::string path = [suffix] {
    const char* env = std::getenv("RESIDENCY_FUZZ_SCRATCH");
    std::string dir = env != nullptr && *env != '\0'           ? std::string(env)
                      : access("/dev/shm", W_OK) == 0 ? "/dev/shm"
                                                     : "/tmp";
    std::string p = dir + "/residency-fuzz-" + std::to_string(getpid()) + "-" + suffix;
    static std::string to_remove;
    to_remove = p;
    std::atexit([] { std::remove(to_remove.c_str()); });
    return p;
  }();
  return path;
}

// Writes the input to ScratchPath(suffix) and returns the path.
inline const std::string& WriteScratch(const char* suffix, const uint8_t* data, size_t size) {
  const std::string& path = ScratchPath(suffix);
  std::ofstream out(path, std::ios::binary | std::ios::trunc);
  out.write(reinterpret_cast<const char*>(data), static_cast<std::streamsize>(size));
  out.close();
  if (!out) {
    std::fprintf(stderr, "fuzz: cannot write %s\n", path.c_str());
    std::abort();
  }
  return path;
}

}  // namespace residency::fuzz

#endif  // RESIDENCY_FUZZ_FUZZ_SUPPORT_H_
