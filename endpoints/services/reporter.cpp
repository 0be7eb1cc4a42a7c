// Reporter: TaskLog sessions, one per record.
#include "reporter.h"

#include "c12s/services/convert.h"

namespace c12s::services {

namespace rt = gtype::rt;
namespace tl = gtype_gen::task_log::reporter;

Reporter::Reporter(rt::Directory directory, std::string bind, rt::EndpointOptions options)
    : directory_(std::move(directory)), bind_(std::move(bind)), options_(std::move(options)) {}

rt::Status Reporter::record(const sorts::LogRecord& record) {
  if (!role_) {
    rt::Result<tl::Role> role = tl::Role::bind(bind_, directory_, options_);
    if (!role.ok()) return role.error();
    role_ = std::make_unique<tl::Role>(std::move(*role));
  }
  rt::Result<tl::S0> s0 = role_->start();
  if (!s0.ok()) return s0.error();
  rt::Result<tl::S1> s1 = std::move(*s0).connect_record(record);
  if (!s1.ok()) return s1.error();
  rt::Result<tl::S1::Stored> stored = std::move(*s1).receive();
  if (!stored.ok()) return stored.error();
  return rt::ok_status();
}

rt::Status Reporter::record(const std::string& task, const std::string& level,
                            std::map<std::string, std::string> labels, const std::string& message) {
  return record(sorts::LogRecord{task, store::to_millis(now_millis()), level, std::move(labels), message});
}

}  // namespace c12s::services
