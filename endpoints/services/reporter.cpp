// Reporter: TaskLog sessions, one per record.
#include "reporter.h"

#include "c12s/services/convert.h"

namespace c12s::services {

namespace rt = gtype::rt;
namespace tl = gtype_gen::task_log::reporter;

Reporter::Reporter(system::Network network, rt::Directory directory, rt::EndpointOptions options)
    : network_(std::move(network)), directory_(std::move(directory)), options_(std::move(options)) {}

gtype::Status Reporter::record(const sorts::LogRecord& record) {
  if (!role_) {
    gtype::Result<tl::Role> role = network_.bind<tl::Role>("TaskLog", 0, directory_, options_);
    if (!role.ok()) return role.error();
    role_ = std::make_unique<tl::Role>(std::move(*role));
  }
  gtype::Result<tl::Start> start = role_->start();
  if (!start.ok()) return start.error();
  gtype::Result<tl::AfterRecord> sent = std::move(*start).connect_record(record);
  if (!sent.ok()) return sent.error();
  gtype::Result<tl::AfterRecord::Stored> stored = std::move(*sent).receive();
  if (!stored.ok()) return stored.error();
  return gtype::Status();
}

gtype::Status Reporter::record(const std::string& task, const std::string& level,
                               std::map<std::string, std::string> labels, const std::string& message) {
  return record(sorts::LogRecord{task, store::to_millis(now_millis()), level, std::move(labels), message});
}

}  // namespace c12s::services
