// Test support: the geolocation fixtures of tests/data/geo/, compiled into .mmdb files
// once per test run (tests/data/geo/make-fixtures) in a temporary directory that lives
// until the process ends. Tests run from the source tree (ctest sets the directory).
#ifndef RESIDENCY_GEO_FIXTURES_TEST_H_
#define RESIDENCY_GEO_FIXTURES_TEST_H_

#include <unistd.h>

#include <cstdlib>
#include <stdexcept>
#include <string>

namespace residency::testing {

// The directory holding the compiled fixtures and their sources.json.
inline const std::string& GeoFixtureDir() {
  static const std::string dir = [] {
    char tmpl[] = "/tmp/residency-geo-XXXXXX";
    if (!::mkdtemp(tmpl)) throw std::runtime_error("mkdtemp failed");
    std::string d = tmpl;
    std::string cmd = "tests/data/geo/make-fixtures '" + d + "'";
    if (std::system(cmd.c_str()) != 0) throw std::runtime_error(cmd + " failed");
    return d;
  }();
  return dir;
}

// A file with `data` in a fresh temporary directory; returns its path.
inline std::string WriteTempFile(const std::string& name, const std::string& data) {
  char tmpl[] = "/tmp/residency-test-XXXXXX";
  if (!::mkdtemp(tmpl)) throw std::runtime_error("mkdtemp failed");
  std::string path = std::string(tmpl) + "/" + name;
  FILE* f = std::fopen(path.c_str(), "wb");
  if (!f) throw std::runtime_error("cannot write " + path);
  std::fwrite(data.data(), 1, data.size(), f);
  std::fclose(f);
  return path;
}

}  // namespace residency::testing

#endif  // RESIDENCY_GEO_FIXTURES_TEST_H_
