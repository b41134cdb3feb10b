package org.treatyexchange.server.api;

import io.netty.channel.ChannelHandler;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelOutboundHandlerAdapter;
import io.netty.channel.ChannelPromise;
import io.netty.handler.codec.http.HttpResponse;
import java.util.function.IntConsumer;

/**
 * Tells the metrics the status of every response, whichever handler wrote it (the API, the rate
 * limit, the deadline, the connection limit): it sits just above the HTTP codec. Stateless, so shared.
 */
@ChannelHandler.Sharable
final class ResponseCounter extends ChannelOutboundHandlerAdapter {
    private final IntConsumer responses;

    ResponseCounter(IntConsumer responses) {
        this.responses = responses;
    }

    @Override
    public void write(ChannelHandlerContext ctx, Object msg, ChannelPromise promise) throws Exception {
        if (msg instanceof HttpResponse response && response.status().code() >= 200) {
            responses.accept(response.status().code());
        }
        super.write(ctx, msg, promise);
    }
}
