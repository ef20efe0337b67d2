"""gunicorn's settings for the portal's container (deploy/aws/Dockerfile).

Sizes come from the environment so the task definition can match them to
the task's CPU and memory without rebuilding the image. Nothing is kept
between requests in a worker: any task can serve any request.
"""

import os

bind = os.environ.get("GUNICORN_BIND", "0.0.0.0:8000")

# Threads let a worker wait on DynamoDB, Cognito and S3 for several requests
# at once; boto3 clients are thread-safe and built once per process.
worker_class = "gthread"
workers = int(os.environ.get("GUNICORN_WORKERS", "2"))
threads = int(os.environ.get("GUNICORN_THREADS", "4"))

# A request that has not finished in 30 s is stuck (every AWS call gives up
# well before that). Shutdown finishes in-flight requests within ECS's
# 30-second stop timeout.
timeout = int(os.environ.get("GUNICORN_TIMEOUT", "30"))
graceful_timeout = 25
# Longer than the load balancer's 60-second idle timeout, so gunicorn never
# closes a connection the load balancer is about to reuse (a 502).
keepalive = 65

# Recycle workers now and then so a slow leak cannot grow without bound.
max_requests = 2000
max_requests_jitter = 200

# Only the load balancer (its subnets, from the task definition) may tell us
# the original scheme through X-Forwarded-Proto. The local default trusts
# nobody but this machine.
forwarded_allow_ips = os.environ.get("FORWARDED_ALLOW_IPS", "127.0.0.1,::1")

# The root filesystem is read-only; /tmp is the task's one writable volume.
worker_tmp_dir = os.environ.get("GUNICORN_WORKER_TMP_DIR", "/tmp")
# No runtime control socket: nobody manages gunicorn inside a task, and it
# would need a writable home directory.
control_socket_disable = True

# No access log: the portal writes one JSON line per request itself
# (medisecure/observability/requests.py) naming the route, never the path,
# whose ids identify patients, and never the query string (the sign-in
# callback's code, what a person searched for). Errors go to stdout.
accesslog = None
errorlog = "-"
