"""AWS services, one package each. Services never import each other; they deliver by ARN."""
