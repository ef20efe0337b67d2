"""What the portal tells its operators: one JSON log line per request
(requests.py), CloudWatch Embedded Metric Format lines (metrics.py), the
DynamoDB work each request did (dynamodb.py), and X-Ray traces of each
request and its AWS calls (tracing.py). Identifiers of people never
appear: routes by name (never the path, whose ids name patients), roles
(never a name or an email)."""
