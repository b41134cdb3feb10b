package org.treatyexchange.server;
