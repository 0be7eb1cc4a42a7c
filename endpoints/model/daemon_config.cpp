// The daemon configuration parser, on the same reader as the topology parser.
#include "c12s/model/daemon_config.h"

#include "yaml_reader.h"

namespace c12s::model {
namespace {

using yaml::Entry;
using yaml::Reader;

void read_healthcheck(Reader& reader, const Entry& entry, HealthCheckConfig& out) {
  const std::string what = "'healthcheck'";
  const std::optional<std::vector<Entry>> entries = reader.map(entry, what, "a map");
  if (!entries) return;
  reader.reject_unknown(*entries, what, {"address", "topic", "interval"});
  if (const Entry* address = reader.require(*entries, entry, what, "address")) {
    if (std::optional<std::string> text = reader.text(*address)) out.address = *text;
  }
  if (const Entry* topic = reader.require(*entries, entry, what, "topic")) {
    if (std::optional<std::string> text = reader.text(*topic)) out.topic = *text;
  }
  if (const Entry* interval = reader.require(*entries, entry, what, "interval")) {
    if (std::optional<std::chrono::milliseconds> d = reader.duration(*interval)) out.interval = *d;
  }
}

void read_star(Reader& reader, const Entry& entry, DaemonConfig& out) {
  const std::string what = "'star'";
  const std::optional<std::vector<Entry>> entries = reader.map(entry, what, "a map");
  if (!entries) return;
  reader.reject_unknown(*entries, what, {"version", "nodeid", "name", "flusher", "healthcheck", "labels"});
  if (const Entry* version = reader.require(*entries, entry, what, "version")) {
    if (std::optional<std::string> text = reader.text(*version)) out.version = *text;
  }
  if (const Entry* node_id = reader.require(*entries, entry, what, "nodeid")) {
    if (std::optional<std::string> name = reader.name(*node_id)) out.node_id = *name;
  }
  if (const Entry* name = Reader::find(*entries, "name")) {
    if (std::optional<std::string> text = reader.name(*name)) out.name = *text;
  } else {
    out.name = out.node_id;
  }
  if (const Entry* flusher = reader.require(*entries, entry, what, "flusher")) {
    if (std::optional<std::string> text = reader.text(*flusher)) out.flusher = *text;
  }
  if (const Entry* healthcheck = reader.require(*entries, entry, what, "healthcheck")) {
    read_healthcheck(reader, *healthcheck, out.healthcheck);
  }
  if (const Entry* labels = reader.require(*entries, entry, what, "labels")) {
    if (std::optional<Labels> read = reader.labels(*labels, "'labels'")) {
      if (labels->value.size() == 0) {
        reader.error(reader.value_place(*labels),
                     "'labels' is empty; a node needs at least one label (definition 4.6.3)");
      }
      out.labels = std::move(*read);
    }
  }
}

}  // namespace

Result<DaemonConfig> parse_daemon_config(std::string_view text, std::string_view file) {
  Reader reader(file, text);
  const std::optional<Entry> document = reader.load();
  if (!document) return reader.finish();
  DaemonConfig config;
  if (const std::optional<std::vector<Entry>> top =
          reader.map(*document, "the file", "a map with the key 'star'")) {
    reader.reject_unknown(*top, "the file", {"star"});
    if (const Entry* star = reader.require(*top, *document, "the file", "star")) {
      read_star(reader, *star, config);
    }
  }
  if (reader.has_errors()) return reader.finish();
  return config;
}

Result<DaemonConfig> load_daemon_config(const std::string& path) {
  return yaml::load_file<DaemonConfig>(path, parse_daemon_config);
}

}  // namespace c12s::model
