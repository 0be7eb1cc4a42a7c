// Fault injection (issue 9, "Fuzzing in the tree"): a stream of mutations of one topology, and
// in each round one service killed (SIGKILL) at a random moment of its mutation and started
// again. After each round: the round's task, if it was acknowledged, ended CREATED or FAILED
// within a bound, its acknowledged PENDING record is in the log, no node is held by a
// finished task (each is used in the listed topology or free), the two list views agree with
// each other and with the last formed shape, and no running daemon was declared dead.
//
// Seeded and bounded: C12S_FAULT_SEED (default 1) and C12S_FAULT_ROUNDS (default 6, one per
// service); the services are killed in turn, the moments drawn from the seed.
#include <cstdio>
#include <cstdlib>
#include <random>

#include "hand_started.h"

namespace {

using namespace c12s_test;

std::uint64_t env_number(const char* name, std::uint64_t fallback) {
  const char* text = std::getenv(name);
  if (text == nullptr || *text == '\0') return fallback;
  char* end = nullptr;
  const unsigned long long value = std::strtoull(text, &end, 10);
  return *end == '\0' ? value : fallback;
}

// The shapes topology t takes in turn: every one uses the four nodes.
const std::vector<std::pair<std::string, Listed>> kShapes{
    {"two.yaml", Listed{2, 4}}, {"one.yaml", Listed{1, 4}}, {"three.yaml", Listed{2, 4}}};

class FaultInjection : public HandStarted {};

TEST_F(FaultInjection, EveryTaskEndsWhateverServiceIsKilledWhen) {
  const std::uint64_t seed = env_number("C12S_FAULT_SEED", 1);
  const std::uint64_t rounds = std::min<std::uint64_t>(env_number("C12S_FAULT_ROUNDS", 6), 1000);
  std::mt19937_64 random(seed);  // its output is fixed by the standard; draws by modulo
  const std::vector<std::string> nodes{"d1", "d2", "d3", "d4"};
  std::ofstream(dir_ / "two.yaml") << topology_yaml("t", {{"c1", {"d1", "d2"}}, {"c2", {"d3", "d4"}}});
  std::ofstream(dir_ / "one.yaml") << topology_yaml("t", {{"c", {"d1", "d2", "d3", "d4"}}});
  std::ofstream(dir_ / "three.yaml") << topology_yaml("t", {{"c1", {"d1", "d2", "d3"}}, {"c2", {"d4"}}});
  const std::vector<std::string>& services = c12s::system::service_names();
  for (const std::string& name : services) start_service(name);
  for (const std::string& id : nodes) start_daemon(id);
  ASSERT_TRUE(wait_free(nodes));

  std::optional<std::size_t> formed;  // the shape t has, if any
  std::uint64_t acknowledged = 0;
  std::size_t next = 0;
  for (std::uint64_t round = 0; round < rounds; ++round) {
    const std::string victim = services[round % services.size()];
    // Half the rounds kill while the mutation is submitted (counted from the command's start),
    // half while it is formed (counted from "submitted").
    const bool while_forming = random() % 2 == 1;
    const auto kill_after = std::chrono::milliseconds(random() % (while_forming ? 60 : 120));
    const auto down_for = std::chrono::milliseconds(random() % 300);
    if (formed && next == *formed) next = (next + 1) % kShapes.size();
    const std::size_t shape = next;
    next = (next + 1) % kShapes.size();
    SCOPED_TRACE("seed " + std::to_string(seed) + ", round " + std::to_string(round) + ": " + victim +
                 " killed " + std::to_string(kill_after.count()) + " ms into a mutation to " +
                 (while_forming ? "(after it was submitted) " : "") +
                 kShapes[shape].first + ", down " + std::to_string(down_for.count()) + " ms");

    Process mutate({"mutate", "-f", kShapes[shape].first, "--no-wait", "--system", system_}, dir_);
    Output so_far;
    const auto given_up = Clock::now() + std::chrono::seconds(20);
    while (while_forming && so_far.out.find("submitted") == std::string::npos && Clock::now() < given_up &&
           mutate.read_some(so_far, std::chrono::milliseconds(5))) {
    }
    std::this_thread::sleep_for(kill_after);
    kill9(victim);
    std::this_thread::sleep_for(down_for);
    start_service(victim);
    const Output submitted = mutate.finish(std::chrono::seconds(60), so_far);
    std::smatch match;
    std::string outcome = "not acknowledged";
    const auto since = Clock::now();
    if (std::regex_search(submitted.out, match, std::regex("task ([0-9a-f]{16}): topology t submitted"))) {
      const std::string task = match[1];
      // The bound: the task deadline (20 s), recovery's period, and the scheduler's attempts.
      outcome = wait_outcome(task, std::chrono::seconds(60));
      if (outcome != "CREATED" && outcome != "FAILED") {
        const Output logged = run({"logs", "get", task});
        const Output state = processes_.at("state")->finish(std::chrono::seconds(1));
        FAIL() << "task " << task << " did not end: " << logged.out << logged.err << "\nstate's output: " << state.err;
      }
      EXPECT_NE(records(task).find("state=PENDING"), std::string::npos) << records(task);
      if (outcome == "CREATED") formed = shape;
      ++acknowledged;
    } else {
      EXPECT_NE(submitted.exit, 0) << submitted.out;  // not acknowledged: it said why
    }
    std::printf("round %llu: %s killed %lld ms after the mutation %s, down %lld ms: %s (%lld ms after it returned)\n",
                static_cast<unsigned long long>(round), victim.c_str(), static_cast<long long>(kill_after.count()),
                while_forming ? "was submitted" : "started",
                static_cast<long long>(down_for.count()), outcome.c_str(),
                static_cast<long long>(
                    std::chrono::duration_cast<std::chrono::milliseconds>(Clock::now() - since).count()));
    std::fflush(stdout);

    // No node is held by a finished task, and the views agree with what was formed.
    std::map<std::string, std::string> statuses;
    const std::map<std::string, Listed> listed = brief();
    EXPECT_EQ(detail(&statuses), listed);
    if (formed) {
      EXPECT_EQ(listed, (std::map<std::string, Listed>{{"t", kShapes[*formed].second}}));
      for (const std::string& id : nodes) EXPECT_EQ(statuses[id], "used") << id;
      EXPECT_EQ(free_nodes(), std::vector<std::string>{});
    } else {
      EXPECT_EQ(listed, (std::map<std::string, Listed>{}));
      EXPECT_EQ(free_nodes(), nodes);
    }
    if (::testing::Test::HasFailure()) break;
  }
  expect_text_views_agree();
  EXPECT_EQ(run({"logs", "list", "--selector", "health=dead"}).out, "");
  std::printf("seed %llu: %llu rounds, %llu mutations acknowledged\n", static_cast<unsigned long long>(seed),
              static_cast<unsigned long long>(rounds), static_cast<unsigned long long>(acknowledged));
}

}  // namespace
