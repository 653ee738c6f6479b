#!/usr/bin/env bash
# Post a plan as the pull request's one plan comment, or update that comment in place
# (found by the hidden marker on its first line). Needs GH_TOKEN with pull-requests: write.
# Usage (plan.yml): scripts/pr-comment.sh PR_NUMBER FILE
set -euo pipefail
pr=${1:?usage: scripts/pr-comment.sh PR_NUMBER FILE}
body=${2:?usage: scripts/pr-comment.sh PR_NUMBER FILE}
marker='<!-- reconciler-plan -->'
id=$(gh api "repos/$GITHUB_REPOSITORY/issues/$pr/comments" --paginate \
       --jq ".[] | select(.body | startswith(\"$marker\")) | .id" | head -n 1)
if [ -n "$id" ]; then
  gh api -X PATCH "repos/$GITHUB_REPOSITORY/issues/comments/$id" -F "body=@$body" > /dev/null
else
  gh api "repos/$GITHUB_REPOSITORY/issues/$pr/comments" -F "body=@$body" > /dev/null
fi
