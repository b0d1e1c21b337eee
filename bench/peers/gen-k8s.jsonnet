// Peer of bench/gen-stack.sh + orchc for `bench/peers/run.sh N compose+k8s`:
// what `orchc build` writes for N services in pods of ten, compose and
// Kubernetes together, in orchc's layout (JSON documents, which are valid
// YAML):
//   compose/bench/docker-compose-p<K>.yml  one per pod (gen.jsonnet's files)
//   k8s/bench/<kind>-<name>.yaml           per service: a ConfigMap of its
//                                          plain env, a StatefulSet (its own
//                                          volume is a claim template) and a
//                                          Service
//   k8s/bench/kustomization.yaml           lists the objects and generates
//                                          the Secret bench-secrets
// orchc's notes for the operator (.env.example, secret.env.example,
// .gitignore) are plain text, not objects: jsonnet -m writes JSON only.
//   mkdir -p OUTDIR/compose/bench OUTDIR/k8s/bench
//   jsonnet -m OUTDIR --ext-code N=1000 gen-k8s.jsonnet
// (jsonnet -m does not create directories.)  Remainders use std.modulo, as
// in gen.jsonnet.
local compose = import 'gen.jsonnet';
local n = std.extVar('N');

local stack = 'bench';
local ns = 'default';
local secrets = stack + '-secrets';

local port(i) = 8000 + std.modulo(i, 1000);
local port2(i) = 9000 + std.modulo(i, 1000);
local name(i) = 'svc-' + i;
local pod(i) = 'p' + std.floor(i / 10);

// The standard labels; `component` is the pod.
local labels(label, i) = {
  'app.kubernetes.io/name': label,
  'app.kubernetes.io/part-of': stack,
  'app.kubernetes.io/component': pod(i),
  'app.kubernetes.io/managed-by': 'orchc',
};
local selector(i) = {
  'app.kubernetes.io/name': name(i),
  'app.kubernetes.io/part-of': stack,
};
local metadata(obj, label, i) = { name: obj, namespace: ns, labels: labels(label, i) };

// Plain env; DB_PASSWORD (a secret) comes from the Secret instead.
local configMap(i) = {
  apiVersion: 'v1',
  kind: 'ConfigMap',
  metadata: metadata(name(i) + '-env', name(i) + '-env', i),
  data: {
    SERVICE_NAME: name(i),
    LOG_LEVEL: 'info',
    [if i > 0 then 'UPSTREAM']: 'http://' + name(i - 1) + ':' + port(i - 1) + '/api',
  },
};

// Requests equal to limits; readiness and liveness probes alike.
local quantities = { cpu: '500m', memory: '256Mi' };
local probe = {
  exec: { command: ['curl', '-f', 'http://localhost/health'] },
  periodSeconds: 10,
  timeoutSeconds: 30,
  failureThreshold: 5,
};

local statefulSet(i) = {
  apiVersion: 'apps/v1',
  kind: 'StatefulSet',
  metadata: metadata(name(i), name(i), i),
  spec: {
    serviceName: name(i),
    replicas: 1 + std.modulo(i, 3),
    selector: { matchLabels: selector(i) },
    template: {
      metadata: { labels: labels(name(i), i) },
      spec: {
        // `after = [svc-<i-1> started]`: wait until its first port accepts.
        [if i > 0 then 'initContainers']: [{
          name: 'wait-for-' + name(i - 1),
          image: 'busybox:1.36',
          command: ['sh', '-c', 'until nc -z ' + name(i - 1) + ' ' + port(i - 1) +
                                '; do echo waiting for ' + name(i - 1) + '; sleep 2; done'],
        }],
        containers: [{
          name: name(i),
          image: 'registry.example.org/bench/' + name(i) + ':1.' + std.modulo(i, 7) + '.0',
          ports: [{ containerPort: port(i) }, { containerPort: port2(i) }],
          env: [{
            name: 'DB_PASSWORD',
            valueFrom: { secretKeyRef: { name: secrets, key: 'db-password' } },
          }],
          envFrom: [{ configMapRef: { name: name(i) + '-env' } }],
          resources: { requests: quantities, limits: quantities },
          readinessProbe: probe,
          livenessProbe: probe,
          volumeMounts: [{ name: 'data', mountPath: '/var/lib/' + name(i) }],
        }],
      },
    },
    volumeClaimTemplates: [{
      metadata: { name: 'data' },
      spec: {
        accessModes: ['ReadWriteOnce'],
        resources: { requests: { storage: '1Gi' } },
      },
    }],
  },
};

local servicePort(p) = { name: 'port-' + p, port: p, targetPort: p };
local service(i) = {
  apiVersion: 'v1',
  kind: 'Service',
  metadata: metadata(name(i), name(i), i),
  spec: {
    selector: selector(i),
    ports: [servicePort(port(i)), servicePort(port2(i))],
  },
};

local services = std.range(0, n - 1);

// The objects in orchc's order: per service, its ConfigMap, workload, Service.
local kustomization = {
  apiVersion: 'kustomize.config.k8s.io/v1beta1',
  kind: 'Kustomization',
  namespace: ns,
  resources: [
    f
    for i in services
    for f in [
      'configmap-' + name(i) + '-env.yaml',
      'statefulset-' + name(i) + '.yaml',
      'service-' + name(i) + '.yaml',
    ]
  ],
  [if n > 0 then 'secretGenerator']: [{ name: secrets, envs: ['secret.env'] }],
};

// (One object per kind of file: a list of [file, object] pairs comprehended
// into one object took more time and memory in jsonnet 0.18.)
{ ['compose/bench/' + f]: compose[f] for f in std.objectFields(compose) }
+ { ['k8s/bench/configmap-' + name(i) + '-env.yaml']: configMap(i) for i in services }
+ { ['k8s/bench/statefulset-' + name(i) + '.yaml']: statefulSet(i) for i in services }
+ { ['k8s/bench/service-' + name(i) + '.yaml']: service(i) for i in services }
+ { 'k8s/bench/kustomization.yaml': kustomization }
