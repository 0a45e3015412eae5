#include "output.h"

#include <fcntl.h>
#include <sys/stat.h>
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
  f->sync_fd_ = ::open(f->tmp_.c_str(), O_WRONLY | O_CLOEXEC);
  if (f->sync_fd_ < 0) return Status::IoError(path + ": " + std::strerror(errno));
  *out = std::move(f);
  return Status::Ok();
}

ReportFile::~ReportFile() {
  if (sync_fd_ >= 0) ::close(sync_fd_);
  if (!committed_) {
    file_.close();
    std::remove(tmp_.c_str());
  }
}

void ReportFile::WriteBehind() {
  // Hints only: the fsync in Commit is what makes the report durable, and reports errors.
  struct stat st;
  if (::fstat(sync_fd_, &st) != 0 || st.st_size <= written_) return;
  if (written_ > behind_) {
    ::sync_file_range(sync_fd_, behind_, written_ - behind_,
                      SYNC_FILE_RANGE_WAIT_BEFORE | SYNC_FILE_RANGE_WRITE | SYNC_FILE_RANGE_WAIT_AFTER);
    ::posix_fadvise(sync_fd_, behind_, written_ - behind_, POSIX_FADV_DONTNEED);
  }
  behind_ = written_;
  written_ = st.st_size;
  ::sync_file_range(sync_fd_, behind_, written_ - behind_, SYNC_FILE_RANGE_WRITE);
}

Status ReportFile::Commit() {
  file_.flush();
  bool ok = static_cast<bool>(file_);
  file_.close();
  if (!ok || file_.fail()) return Status::IoError(path_ + ": write failed");
  if (::fsync(sync_fd_) != 0) return Status::IoError(path_ + ": " + std::strerror(errno));
  if (std::rename(tmp_.c_str(), path_.c_str()) != 0) return Status::IoError(path_ + ": " + std::strerror(errno));
  committed_ = true;
  return Status::Ok();
}

}  // namespace residency
