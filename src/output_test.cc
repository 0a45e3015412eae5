#include "output.h"

#include <doctest/doctest.h>

#include <sys/stat.h>
#include <unistd.h>

#include <cstdlib>
#include <fstream>
#include <sstream>
#include <string>

namespace residency {
namespace {

std::string TempDir() {
  char dir[] = "/tmp/residency-output-XXXXXX";
  REQUIRE(::mkdtemp(dir) != nullptr);
  return dir;
}

std::string Slurp(const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  std::ostringstream text;
  text << in.rdbuf();
  return text.str();
}

void WriteText(const std::string& path, const std::string& text) {
  std::ofstream out(path, std::ios::binary);
  out << text;
}

bool Exists(const std::string& path) {
  struct stat st;
  return ::stat(path.c_str(), &st) == 0;
}

TEST_CASE("ReportFile: pieces written behind arrive whole; the target changes only on Commit") {
  const std::string dir = TempDir(), path = dir + "/report.json";
  WriteText(path, "the old report");
  std::unique_ptr<ReportFile> file;
  REQUIRE(ReportFile::Open(path, &file).ok());
  std::string want;
  for (int piece = 0; piece < 40; ++piece) {
    // Pieces of uneven sizes, some larger than a page and some empty.
    std::string text(static_cast<size_t>(piece * 3001 % 70001), static_cast<char>('a' + piece % 26));
    file->stream().write(text.data(), static_cast<std::streamsize>(text.size()));
    file->stream().flush();
    file->WriteBehind();
    want += text;
    if (piece == 20) CHECK(Slurp(path) == "the old report");
  }
  file->stream() << "end";
  want += "end";
  REQUIRE(file->Commit().ok());
  CHECK(Slurp(path) == want);
  file.reset();
  CHECK(Slurp(path) == want);
  std::remove(path.c_str());
  ::rmdir(dir.c_str());
}

TEST_CASE("ReportFile: abandoned, the temporary file goes and the old report stays") {
  const std::string dir = TempDir(), path = dir + "/report.json";
  WriteText(path, "the old report");
  {
    std::unique_ptr<ReportFile> file;
    REQUIRE(ReportFile::Open(path, &file).ok());
    file->stream() << std::string(100000, 'x');
    file->stream().flush();
    file->WriteBehind();
  }
  CHECK(Slurp(path) == "the old report");
  CHECK_FALSE(Exists(path + ".tmp." + std::to_string(::getpid())));
  std::remove(path.c_str());
  ::rmdir(dir.c_str());
}

TEST_CASE("ReportFile written direct: every byte arrives, the last partial block too; abandoned, nothing") {
  // /tmp is on the machine's disk here; where its file system has no O_DIRECT, WriteDirect
  // says so and the same bytes go through the page cache.
  const std::string dir = TempDir(), path = dir + "/report.json";
  for (bool commit : {true, false}) {
    CAPTURE(commit);
    WriteText(path, "the old report");
    std::unique_ptr<ReportFile> file;
    REQUIRE(ReportFile::Open(path, &file).ok());
    bool direct = file->WriteDirect();
    const std::string how = direct ? "direct I/O" : "no direct I/O here: through the page cache";
    MESSAGE(how);
    std::string want;
    // Sizes about the 4 KiB block and the 16 MiB stage: one byte, a block less and more
    // one, pieces that fill the stage exactly and that straddle it.
    const size_t sizes[] = {1, 4095, 4097, 4096, 0, (16u << 20) - 8193, 5, (16u << 20), 3 * 4096, (16u << 20) + 17, 2};
    int piece = 0;
    for (size_t n : sizes) {
      std::string text(n, static_cast<char>('a' + piece++ % 26));
      if (n > 10) text[n / 2] = '\n';
      file->stream().write(text.data(), static_cast<std::streamsize>(text.size()));
      if (piece % 2) file->stream().flush();
      file->WriteBehind();
      want += text;
    }
    file->stream() << 'z';
    want += 'z';
    CHECK(Slurp(path) == "the old report");
    if (commit) {
      REQUIRE(file->Commit().ok());
      std::string got = Slurp(path);
      CHECK(got.size() == want.size());
      CHECK(got == want);
    } else {
      file.reset();
      CHECK(Slurp(path) == "the old report");
      CHECK_FALSE(Exists(path + ".tmp." + std::to_string(::getpid())));
    }
  }
  std::remove(path.c_str());
  ::rmdir(dir.c_str());
}

TEST_CASE("ReportFile: a directory that does not exist is an error naming the path") {
  std::unique_ptr<ReportFile> file;
  Status s = ReportFile::Open("/nonexistent-residency-dir/report.json", &file);
  CHECK_FALSE(s.ok());
  CHECK(s.message().find("/nonexistent-residency-dir/report.json") != std::string::npos);
}

}  // namespace
}  // namespace residency
