#include "output.h"

#include <fcntl.h>
#include <unistd.h>

#include <cerrno>
#include <cstdio>
#include <cstring>

namespace residency {

Status ReportFile::Open(const std::string& path, std::unique_ptr<ReportFile>* out) {
  std::unique_ptr<ReportFile> f(new ReportFile);
  f->path_ = path;
  f->tmp_ = path + ".tmp." + std::to_string(::getpid());
  f->file_.open(f->tmp_, std::ios::binary | std::ios::trunc);
  if (!f->file_) return Status::IoError(path + ": " + std::strerror(errno));
  *out = std::move(f);
  return Status::Ok();
}

ReportFile::~ReportFile() {
  if (!committed_) {
    file_.close();
    std::remove(tmp_.c_str());
  }
}

Status ReportFile::Commit() {
  file_.flush();
  bool ok = static_cast<bool>(file_);
  file_.close();
  if (!ok || file_.fail()) return Status::IoError(path_ + ": write failed");
  int fd = ::open(tmp_.c_str(), O_RDONLY | O_CLOEXEC);
  if (fd < 0 || ::fsync(fd) != 0) {
    int err = errno;
    if (fd >= 0) ::close(fd);
    return Status::IoError(path_ + ": " + std::strerror(err));
  }
  ::close(fd);
  if (std::rename(tmp_.c_str(), path_.c_str()) != 0) return Status::IoError(path_ + ": " + std::strerror(errno));
  committed_ = true;
  return Status::Ok();
}

}  // namespace residency
