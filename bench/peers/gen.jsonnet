// Peer of bench/gen-stack.sh + orchc for bench/peers/run.sh: N services in
// pods of ten, one compose file docker-compose-p<K>.yml (a JSON document,
// which is valid YAML) per pod.
//   jsonnet -m OUTDIR --ext-code N=1000 gen.jsonnet
// Remainders use std.modulo: `%` goes through std.mod, which first checks
// for string formatting and is ~10x slower in jsonnet 0.18 (it dominated).
local n = std.extVar('N');
local pods = std.floor((n + 9) / 10);

local port(i) = 8000 + std.modulo(i, 1000);
local name(i) = 'svc-' + i;

local service(i) = {
  image: 'registry.example.org/bench/' + name(i) + ':1.' + std.modulo(i, 7) + '.0',
  restart: 'unless-stopped',
  expose: ['' + port(i), '' + (9000 + std.modulo(i, 1000))],
  environment: {
    SERVICE_NAME: name(i),
    LOG_LEVEL: 'info',
    [if i > 0 then 'UPSTREAM']: 'http://' + name(i - 1) + ':' + port(i - 1) + '/api',
    DB_PASSWORD: '${DB_PASSWORD:?DB_PASSWORD is not set}',
  },
  volumes: [name(i) + '-data:/var/lib/' + name(i)],
  healthcheck: {
    test: ['CMD', 'curl', '-f', 'http://localhost/health'],
    interval: '10s',
    timeout: '30s',
    retries: 5,
    start_period: '0s',
  },
  [if i > 0 then 'depends_on']: { [name(i - 1)]: { condition: 'service_started' } },
  deploy: {
    replicas: 1 + std.modulo(i, 3),
    resources: { limits: { cpus: '0.5', memory: '256m' } },
  },
};

{
  ['docker-compose-p' + k + '.yml']: {
    local members = std.range(k * 10, std.min(k * 10 + 9, n - 1)),
    services: { [name(i)]: service(i) for i in members },
    volumes: { [name(i) + '-data']: {} for i in members },
  }
  for k in std.range(0, pods - 1)
}
