"""cfn-lint (AWS's CloudFormation linter, run here as a library) finds
nothing in the template: no error, no warning."""

from cfnlint.api import ManualArgs, lint

from deploy.aws.tests.stack_template import TEMPLATE_PATH

# Regions a clinic in the US is most likely to deploy to; cfn-lint checks
# that every resource type and property exists there.
REGIONS = ["us-east-1", "us-west-2"]


def test_cfn_lint_finds_nothing_in_the_template():
    matches = lint(TEMPLATE_PATH.read_text(), config=ManualArgs(regions=REGIONS))

    assert [f"{match.rule.id} line {match.linenumber}: {match.message}" for match in matches] == []


def test_cfn_lint_would_catch_a_broken_template():
    broken = TEMPLATE_PATH.read_text().replace(
        "BillingMode: PAY_PER_REQUEST", "BillingMode: PAY_AS_YOU_GO", 1
    )

    assert [match.rule.id for match in lint(broken, config=ManualArgs(regions=REGIONS))]
