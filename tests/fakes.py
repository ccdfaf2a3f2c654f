"""Small stand-ins for what AWS hands a function: a Lambda context."""

from __future__ import annotations

import uuid
from dataclasses import dataclass, field


@dataclass
class LambdaContext:
    function_name: str = "chamcong-test"
    memory_limit_in_mb: int = 512
    invoked_function_arn: str = "arn:aws:lambda:ap-southeast-1:123456789012:function:chamcong-test"
    aws_request_id: str = field(default_factory=lambda: str(uuid.uuid4()))
