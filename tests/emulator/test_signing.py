import json

from slack_sdk.signature import SignatureVerifier

from bot.emulator.signing import signature, signed_headers
from tests.conftest import shared_path


def test_the_signer_reproduces_slacks_documented_example():
    example = json.loads(shared_path("data", "slack", "signature-example.json").read_text())
    assert signature(example["signing_secret"], example["timestamp"], example["body"]) == example["signature"]


def test_signed_headers_pass_slack_sdks_verifier_and_fail_with_another_secret():
    body = "token=x&text=hello"
    headers = signed_headers("secret", body)
    assert SignatureVerifier("secret").is_valid_request(body, headers)
    assert not SignatureVerifier("other").is_valid_request(body, headers)
