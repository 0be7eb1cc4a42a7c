// The dashboard's page (index.html): polls the dashboard's JSON every second and shows it.
// The JSON is that of the c12s commands' output sorts (protocols/cli.gtype: ListOutput,
// ListDetailOutput, LogsOutput, MutateOutput), as `c12s ... --json` prints it.
//
// Everything from the network is put in the page as text (textContent, setAttribute), never
// as HTML: names, labels and log messages may hold anything a process that reached a service
// put there. Nothing here changes the system but "Submit…" of the mutate form, after confirm().
'use strict';

const POLL_MS = 1000;
const LOG_EVERY = 5;  // the task log is read again every LOG_EVERY polls
const FINAL_STATES = new Set(['CREATED', 'EXISTS', 'FAILED', 'DELETED', 'ABSENT']);

// Where the log says a running task is (docs/dashboard.md): its newest state record.
const RUNNING_ON = {
  IdempotencyCheck: {
    states: ['PENDING'],
    says: 'PENDING: submitted; the state service checks, reserves and stores in this session',
  },
  Formation: {
    states: ['IN_PROGRESS'],
    says: 'IN_PROGRESS: queued for its formation, or being formed (Dequeue, Formation, FormationPush)',
  },
};

const view = {timeline: null, polls: 0, protocols: []};

// ---------------------------------------------------------------- elements, as text only

function el(tag, attributes = {}, ...children) {
  const node = document.createElement(tag);
  for (const [name, value] of Object.entries(attributes)) node.setAttribute(name, String(value));
  for (const child of children)
    node.append(child instanceof Node ? child : document.createTextNode(String(child)));
  return node;
}

function replace(container, ...children) {
  container.replaceChildren(...children);
}

function labelsText(labels) {
  return Object.keys(labels || {}).sort().map((k) => `${k}=${labels[k]}`).join(',');
}

function timeText(millis) {
  return new Date(millis).toISOString().replace('T', ' ').replace('Z', '');
}

// ---------------------------------------------------------------- the server

class ApiError extends Error {
  constructor(message, status) {
    super(message);
    this.status = status;
  }
}

async function getJson(url, options = {}) {
  let response;
  try {
    response = await fetch(url, options);
  } catch (e) {
    throw new ApiError(`the dashboard at ${location.host} does not answer: is \`c12s dashboard\` running?`, 0);
  }
  let body;
  try {
    body = await response.json();
  } catch (e) {
    throw new ApiError(`${url}: answer ${response.status} is not JSON`, response.status);
  }
  if (!response.ok) throw new ApiError(body.error || `${url}: ${response.status}`, response.status);
  return body;
}

function showBanner(error) {
  const banner = document.getElementById('banner');
  banner.textContent = error ? error.message : '';
  banner.hidden = !error;
  document.body.toggleAttribute('data-stale', Boolean(error));
}

// ---------------------------------------------------------------- topologies → nodes

function healthBadge(node) {
  const health = node.health || 'unknown';
  return el('span', {class: `badge health-${health}`}, health);
}

function swimText(swim) {
  return Object.keys(swim || {}).sort().map((member) => `${member}: ${swim[member]}`).join(', ') || '-';
}

function nodeRow(node) {
  return el('tr', {'data-node': node.id, 'data-health': node.health || '', 'data-status': node.status},
            el('td', {}, node.id), el('td', {}, node.name), el('td', {}, node.status),
            el('td', {}, healthBadge(node)), el('td', {}, node.last_check || '-'),
            el('td', {class: 'swim'}, swimText(node.swim)), el('td', {class: 'labels'}, labelsText(node.labels)));
}

function nodesTable(nodes) {
  const head = el('tr', {}, ...['id', 'name', 'status', 'health', 'last check', 'seen by (SWIM)', 'labels'].map(
      (name) => el('th', {}, name)));
  return el('table', {class: 'nodes'}, el('thead', {}, head), el('tbody', {}, ...nodes.map(nodeRow)));
}

// A topology's actions: delete, after a confirmation, as `c12s delete` does.
function topologyActions(topology) {
  const button = el('button', {type: 'button', class: 'delete', 'data-delete': topology.topology}, 'delete');
  button.addEventListener('click', () => deleteTopology(topology.topology).catch(showBanner));
  return el('span', {class: 'actions', 'data-actions': topology.topology}, ' ', button);
}

async function deleteTopology(name) {
  if (!confirm(`Delete topology ${name}? Its nodes go back to the pool and leave their clusters.`)) return;
  const output = await getJson(`/api/delete/${encodeURIComponent(name)}`,
                               {method: 'POST', headers: {'X-C12S-Confirm': 'delete'}});
  document.getElementById('mutate-result').textContent = `task ${output.task}: ${output.message}`;
  openTimeline(output.task);
}

function counted(count, noun) {
  return `${count} ${noun}${count === 1 ? '' : 's'}`;
}

function topologySummary(topology) {
  const alive = topology.alive_percent === null || topology.alive_percent === undefined
      ? 'no nodes' : `${Math.round(topology.alive_percent * 10) / 10}% alive`;
  const counts = [counted(topology.regions, 'region'), counted(topology.clusters, 'cluster'),
                  counted(topology.nodes, 'node')];
  return el('div', {class: 'summary'}, el('strong', {}, topology.topology), ` ${counts.join(', ')}, ${alive}`,
            el('span', {class: 'labels'}, ` ${labelsText(topology.labels)}`), topologyActions(topology));
}

function topologyBlock(topology, clusters) {
  const block = el('article', {class: 'topology', 'data-topology': topology.topology}, topologySummary(topology));
  const regions = [...new Set(clusters.map((c) => c.region))].sort();
  for (const region of regions) {
    const regionBlock = el('div', {class: 'region', 'data-region': region}, el('h4', {}, `region ${region}`));
    for (const cluster of clusters.filter((c) => c.region === region)) {
      regionBlock.append(el('div', {class: 'cluster', 'data-cluster': cluster.cluster},
                            el('h5', {}, `cluster ${cluster.cluster}`), nodesTable(cluster.nodes)));
    }
    block.append(regionBlock);
  }
  return block;
}

function showTopologies(list, detail) {
  const container = document.getElementById('topologies');
  if (list.topologies.length === 0) return replace(container, el('p', {class: 'muted'}, 'no topology formed'));
  replace(container, ...list.topologies.map((t) => topologyBlock(
      t, detail.clusters.filter((c) => c.topology === t.topology))));
}

// ---------------------------------------------------------------- protocols and running sessions

// [how many run (a number), or why that is not known; what to show under the protocol]
function runningList(protocol, running) {
  const where = RUNNING_ON[protocol];
  if (!where) return ['not logged', el('p', {class: 'muted'}, 'its sessions are not logged while they run')];
  if (!running) return ['unknown', el('p', {class: 'muted'}, 'the log service has not answered yet')];
  const tasks = running.records.filter((r) => where.states.includes(r.labels.state));
  const items = tasks.map((r) => el('li', {'data-task': r.task}, taskButton(r.task),
                                    ` ${r.labels.state} ${r.labels.topology || ''} since ${timeText(r.time)}`));
  return [tasks.length, el('div', {}, el('p', {class: 'muted'}, where.says),
                           items.length ? el('ul', {}, ...items) : el('p', {}, 'none running'))];
}

function protocolCard(protocol, running) {
  const [count, list] = runningList(protocol.protocol, running);
  const image = el('img', {src: `/api/protocols/${encodeURIComponent(protocol.protocol)}.svg`,
                           alt: `sequence diagram of ${protocol.protocol}`, loading: 'lazy'});
  const known = typeof count === 'number';
  const badge = el('span', {class: `badge ${known ? (count ? 'running' : 'idle') : 'unknown'}`},
                   known ? `${count} running` : count);
  return el('details', {class: 'protocol', 'data-protocol': protocol.protocol, 'data-running': known ? count : ''},
            el('summary', {}, el('strong', {}, protocol.protocol), ` (${protocol.file}): `, badge), list, image);
}

function showProtocols(running) {
  const container = document.getElementById('protocols');
  const open = new Set([...container.querySelectorAll('details[open]')].map((d) => d.dataset.protocol));
  replace(container, ...view.protocols.map((p) => protocolCard(p, running)));
  for (const details of container.querySelectorAll('details'))
    details.open = open.has(details.dataset.protocol);
}

// ---------------------------------------------------------------- task log and timelines

function taskButton(task) {
  if (!task) return el('span', {class: 'muted'}, '-');
  const button = el('button', {type: 'button', class: 'task'}, task);
  button.addEventListener('click', () => openTimeline(task));
  return button;
}

function recordRow(record) {
  return el('tr', {'data-level': record.level}, el('td', {}, timeText(record.time)), el('td', {}, record.level),
            el('td', {}, taskButton(record.task)), el('td', {class: 'labels'}, labelsText(record.labels)),
            el('td', {}, record.message));
}

function logQuery() {
  const form = document.getElementById('log-filter');
  const task = form.elements.task.value.trim();
  if (task) return `/api/logs?task=${encodeURIComponent(task)}`;
  const selector = form.elements.selector.value.trim();
  const limit = form.elements.limit.value.trim() || '100';
  return `/api/logs?selector=${encodeURIComponent(selector)}&limit=${encodeURIComponent(limit)}`;
}

async function refreshLog() {
  const logs = await getJson(logQuery());
  replace(document.querySelector('#log tbody'), ...logs.records.map(recordRow));
}

function timelineItem(record) {
  const state = record.labels.state;
  return el('li', {'data-state': state || ''}, el('time', {}, timeText(record.time)), ' ',
            state ? el('span', {class: `badge state-${state}`}, state) : '',
            ` ${record.labels.service || ''}: ${record.message}`);
}

async function refreshTimeline() {
  if (!view.timeline) return;
  const logs = await getJson(`/api/logs?task=${encodeURIComponent(view.timeline.task)}`);
  replace(document.getElementById('timeline'), ...logs.records.map(timelineItem));
  view.timeline.done = logs.records.some((r) => FINAL_STATES.has(r.labels.state));
}

function openTimeline(task) {
  view.timeline = {task, done: false};
  document.getElementById('timeline-task').textContent = task;
  document.getElementById('timeline-section').hidden = false;
  refreshTimeline().catch(showBanner);
}

// ---------------------------------------------------------------- mutate from file

async function submitMutation() {
  const text = document.getElementById('mutate-text').value;
  const result = document.getElementById('mutate-result');
  if (!text.trim()) return void (result.textContent = 'paste or choose a topology file first');
  const name = (text.match(/^\s*name:\s*(\S+)/m) || [])[1] || 'the topology in this file';
  if (!confirm(`Form ${name} on the system, as c12s mutate -f does? Its nodes are reserved and formed.`)) return;
  try {
    const output = await getJson('/api/mutate', {
      method: 'POST', body: text, headers: {'Content-Type': 'text/plain', 'X-C12S-Confirm': 'mutate'}});
    result.textContent = `task ${output.task}: topology ${output.topology} submitted`;
    openTimeline(output.task);
  } catch (e) {
    result.textContent = e.message;
  }
}

function readChosenFile(event) {
  const file = event.target.files[0];
  if (file) file.text().then((text) => { document.getElementById('mutate-text').value = text; });
}

// ---------------------------------------------------------------- the loop

async function refresh() {
  const [list, detail, running] = await Promise.all(
      [getJson('/api/topologies'), getJson('/api/clusters'), getJson('/api/running')]);
  showTopologies(list, detail);
  showProtocols(running);
  if (view.polls % LOG_EVERY === 0) await refreshLog();
  if (view.timeline && !view.timeline.done) await refreshTimeline();
}

async function poll() {
  try {
    if (!document.hidden) {
      await refresh();
      showBanner(null);
      document.getElementById('updated').textContent = `updated ${new Date().toLocaleTimeString()}`;
    }
  } catch (e) {
    showBanner(e);
  } finally {
    view.polls += 1;
    setTimeout(poll, POLL_MS);
  }
}

async function start() {
  document.getElementById('log-filter').addEventListener('submit', (event) => {
    event.preventDefault();
    refreshLog().catch(showBanner);
  });
  document.getElementById('mutate-submit').addEventListener('click', submitMutation);
  document.getElementById('mutate-file').addEventListener('change', readChosenFile);
  try {
    view.protocols = (await getJson('/api/protocols')).protocols;
    showProtocols(null);
  } catch (e) {
    showBanner(e);
  }
  poll();
}

start();
