"""App definitions: serverless.yml, SAM and CloudFormation templates, read into one model and deployed."""
