import 'reflect-metadata';
import { Controller, Get, Module, Post, Req, Res } from '@nestjs/common';
import { NestFactory } from '@nestjs/core';
import { FastifyAdapter, type NestFastifyApplication, RouteSchema } from '@nestjs/platform-fastify';
import type { FastifyReply, FastifyRequest } from 'fastify';

/**
 * The floor of the framework the gateway is built on: a NestJS route on Fastify that parses and schema-validates
 * the body and answers a small JSON, with nothing else — no logging, metrics, hooks or I/O. What the gateway costs
 * above it is SeatGrid's own; what it costs above the bare server is the framework's.
 */
const BODY = JSON.stringify({ bookingId: '00000000-0000-4000-8000-000000000000', status: 'PENDING' });
const SCHEMA = { type: 'object', properties: { eventId: { type: 'integer' } }, additionalProperties: true };

@Controller()
class FloorController {
  @Post('bookings')
  @RouteSchema({ body: SCHEMA })
  book(@Req() request: FastifyRequest, @Res() reply: FastifyReply): void {
    void reply.code(request.body ? 202 : 400).header('content-type', 'application/json').send(BODY);
  }

  @Get('health')
  health(): string {
    return 'ok';
  }
}

@Module({ controllers: [FloorController] })
class FloorModule {}

const app = await NestFactory.create<NestFastifyApplication>(FloorModule, new FastifyAdapter({ keepAliveTimeout: 72_000 }), { logger: false });
app.enableShutdownHooks();
await app.listen({ port: Number(process.env.PORT), host: '127.0.0.1', backlog: 4096 });
